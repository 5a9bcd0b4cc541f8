import Glibc

/// Small reads and writes of kernel files (`/proc`, cgroupfs): whole-file reads with a size cap, and
/// single writes whose failure keeps its errno.
enum SystemFiles {
    /// The contents of a file, at most `limit` bytes; nil when it cannot be opened or read.
    static func read(_ path: String, limit: Int = 16 << 20) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        // No bigger than the cap: a `/proc/PID/stat` read (4 KiB) then zeroes 4 KiB, not 64.
        var chunk = [UInt8](repeating: 0, count: max(1, min(limit, 1 << 16)))
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk.prefix(count))
        }
        return String(decoding: bytes.prefix(limit), as: UTF8.self)
    }

    /// Writes `text` to an existing file in one `write`; returns 0, or the errno of the failure.
    @discardableResult
    static func write(_ text: String, to path: String) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        return written == bytes.count ? 0 : errno
    }

    /// The names in a directory (without `.` and `..`); empty when it cannot be read.
    static func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// The target of a symbolic link; nil when it is not one or cannot be read.
    static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return readlink(path, base.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
}

/// strerror's text for an errno value.
func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}
