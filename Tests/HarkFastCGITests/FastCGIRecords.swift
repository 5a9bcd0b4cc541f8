/// Builds FastCGI records for tests (FastCGI specification §3.3, §3.4).
enum FastCGIRecords {
    static func record(_ type: UInt8, id: UInt16 = 1, _ content: [UInt8] = [], padding: UInt8 = 0) -> [UInt8] {
        let length = UInt16(content.count)
        return [1, type, UInt8(id >> 8), UInt8(id & 0xff), UInt8(length >> 8), UInt8(length & 0xff), padding, 0]
            + content + [UInt8](repeating: 0, count: Int(padding))
    }

    static func begin(id: UInt16 = 1, role: UInt16 = 1, keepConnection: Bool = false) -> [UInt8] {
        record(1, id: id, [UInt8(role >> 8), UInt8(role & 0xff), keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
    }

    static func end(id: UInt16 = 1, appStatus: UInt32 = 0, protocolStatus: UInt8 = 0) -> [UInt8] {
        let status = [UInt8(appStatus >> 24), UInt8((appStatus >> 16) & 0xff), UInt8((appStatus >> 8) & 0xff), UInt8(appStatus & 0xff)]
        return record(3, id: id, status + [protocolStatus, 0, 0, 0])
    }

    /// One name-value pair, lengths in 1 byte below 128, else in 4.
    static func pair(_ name: String, _ value: String) -> [UInt8] {
        length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
    }

    static func length(_ count: Int) -> [UInt8] {
        count < 128 ? [UInt8(count)] : [UInt8(0x80 | (count >> 24)), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)]
    }

    static func pairs(_ variables: [(String, String)]) -> [UInt8] {
        variables.flatMap { pair($0.0, $0.1) }
    }

    /// `content` in `type` records of at most `size` bytes, then the empty record that closes the stream.
    static func stream(_ type: UInt8, id: UInt16 = 1, _ content: [UInt8], size: Int = 65535) -> [UInt8] {
        var bytes: [UInt8] = []
        var start = 0
        while start < content.count {
            let end = min(content.count, start + size)
            bytes += record(type, id: id, Array(content[start..<end]), padding: UInt8((8 - (end - start) % 8) % 8))
            start = end
        }
        return bytes + record(type, id: id)
    }
}
