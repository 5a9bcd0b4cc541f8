/// Why a capture could not be opened at all. Damage found later, while reading, becomes a
/// `Diagnostic` instead, and reading goes on.
public struct CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, for code that reacts differently to each.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case cannotOpen = "cannot open"
            case readFailed = "read failed"
            case empty = "empty"
            case truncatedHeader = "truncated header"
            case notACapture = "not a capture"
            case compressed = "compressed"
            case badSectionHeader = "bad section header"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The file does not exist or may not be read.
        public static let cannotOpen = Code(.cannotOpen)
        /// read(2) failed before the file header was complete.
        public static let readFailed = Code(.readFailed)
        /// The input holds no bytes at all.
        public static let empty = Code(.empty)
        /// The input ends inside the pcap file header or the first pcapng block header.
        public static let truncatedHeader = Code(.truncatedHeader)
        /// The first bytes are no pcap or pcapng magic number.
        public static let notACapture = Code(.notACapture)
        /// The input is a compressed file (gzip, zstd, …) that must be decompressed first.
        public static let compressed = Code(.compressed)
        /// The first pcapng Section Header Block has no valid byte-order magic.
        public static let badSectionHeader = Code(.badSectionHeader)

        public var description: String { base.rawValue }
    }

    /// The file path, or `-` for standard input.
    public var file: String
    /// The kind of failure.
    public var code: Code
    /// What was wrong, in words a user can act on.
    public var reason: String

    init(file: String, code: Code, reason: String) {
        self.file = file
        self.code = code
        self.reason = reason
    }

    /// `trace.pcap: not a pcap or pcapng capture: it starts with 3c 21 44 4f ("<!DO")`.
    public var description: String { "\(file): \(reason)" }

    /// The first bytes of an unrecognised input as hex and, where printable, as text.
    static func notACapture(file: String, firstBytes: [UInt8]) -> CaptureError {
        let hex = firstBytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined(separator: " ")
        let printable = firstBytes.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: ".") }
        let text = String(decoding: printable, as: UTF8.self)
        return CaptureError(
            file: file,
            code: .notACapture,
            reason: "not a pcap or pcapng capture: it starts with \(hex) (\"\(text)\")"
        )
    }
}
