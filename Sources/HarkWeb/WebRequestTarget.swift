/// A request target split into its path and its percent-decoded query parameters.
struct WebRequestTarget: Sendable {
    /// The path, without the query (not decoded: hark's routes are plain ASCII).
    let path: Substring
    private let parameters: [(name: String, value: String)]

    init(_ uri: String) {
        let question = uri.firstIndex(of: "?") ?? uri.endIndex
        path = uri[..<question]
        var parameters: [(name: String, value: String)] = []
        if question < uri.endIndex {
            for pair in uri[uri.index(after: question)...].split(separator: "&", omittingEmptySubsequences: true) {
                let equals = pair.firstIndex(of: "=") ?? pair.endIndex
                let name = Self.decode(pair[..<equals])
                let value = equals < pair.endIndex ? Self.decode(pair[pair.index(after: equals)...]) : ""
                parameters.append((name, value))
            }
        }
        self.parameters = parameters
    }

    /// The first value of a query parameter.
    func query(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Decodes `%XX` escapes and `+` (a space in form encoding); invalid escapes are kept as they are,
    /// and bytes that are not UTF-8 become U+FFFD.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
