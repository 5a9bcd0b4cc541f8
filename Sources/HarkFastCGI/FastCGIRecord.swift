public import NIOCore

/// A FastCGI record type (FastCGI 1.0 specification §8).
public struct FastCGIRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let beginRequest = FastCGIRecordType(rawValue: 1)
    public static let abortRequest = FastCGIRecordType(rawValue: 2)
    public static let endRequest = FastCGIRecordType(rawValue: 3)
    public static let params = FastCGIRecordType(rawValue: 4)
    public static let stdin = FastCGIRecordType(rawValue: 5)
    public static let stdout = FastCGIRecordType(rawValue: 6)
    public static let stderr = FastCGIRecordType(rawValue: 7)
    public static let data = FastCGIRecordType(rawValue: 8)
    public static let getValues = FastCGIRecordType(rawValue: 9)
    public static let getValuesResult = FastCGIRecordType(rawValue: 10)
    public static let unknownType = FastCGIRecordType(rawValue: 11)

    /// Whether the specification defines this type (1–11).
    public var isDefined: Bool { (1...11).contains(rawValue) }

    /// Whether a web server sends records of this type (the others come from the application).
    public var isFromWebServer: Bool {
        [.beginRequest, .abortRequest, .params, .stdin, .data, .getValues].contains(self)
    }

    /// The specification's name without `FCGI_` (`BEGIN_REQUEST`), or `type N`.
    public var description: String {
        let names = [
            "BEGIN_REQUEST", "ABORT_REQUEST", "END_REQUEST", "PARAMS", "STDIN", "STDOUT", "STDERR", "DATA",
            "GET_VALUES", "GET_VALUES_RESULT", "UNKNOWN_TYPE",
        ]
        let index = Int(rawValue) - 1
        return names.indices.contains(index) ? names[index] : "type \(rawValue)"
    }
}

/// The 8-byte header every FastCGI record starts with.
public struct FastCGIRecordHeader: Hashable, Sendable {
    /// The only version the specification defines.
    public static let version1: UInt8 = 1
    /// Bytes of a header.
    public static let length = 8

    public var version: UInt8
    public var type: FastCGIRecordType
    /// 0 for management records, else the request the record belongs to.
    public var requestID: UInt16
    public var contentLength: UInt16
    public var paddingLength: UInt8

    /// Header, content and padding: at most 8 + 65,535 + 255 bytes.
    public var recordLength: Int { Self.length + Int(contentLength) + Int(paddingLength) }

    /// Reads the header at the reader index without consuming it; nil when fewer than 8 bytes are there.
    public static func peek(_ bytes: ByteBuffer) -> FastCGIRecordHeader? {
        guard let version = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self),
            let type = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self),
            let requestID = bytes.getInteger(at: bytes.readerIndex + 2, as: UInt16.self),
            let contentLength = bytes.getInteger(at: bytes.readerIndex + 4, as: UInt16.self),
            let paddingLength = bytes.getInteger(at: bytes.readerIndex + 6, as: UInt8.self),
            bytes.readableBytes >= length
        else { return nil }
        return FastCGIRecordHeader(
            version: version,
            type: FastCGIRecordType(rawValue: type),
            requestID: requestID,
            contentLength: contentLength,
            paddingLength: paddingLength
        )
    }
}

/// The role a `BEGIN_REQUEST` asks the application to play (§5.1).
public struct FastCGIRole: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let responder = FastCGIRole(rawValue: 1)
    public static let authorizer = FastCGIRole(rawValue: 2)
    public static let filter = FastCGIRole(rawValue: 3)

    /// `responder`, `authorizer`, `filter`, or `role N`.
    public var description: String {
        switch rawValue {
        case 1: "responder"
        case 2: "authorizer"
        case 3: "filter"
        default: "role \(rawValue)"
        }
    }
}

/// The protocol status of an `END_REQUEST` record (§5.5).
public struct FastCGIProtocolStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let requestComplete = FastCGIProtocolStatus(rawValue: 0)

    /// `request-complete`, `cant-mpx-conn`, `overloaded`, `unknown-role`, or `status N`.
    public var description: String {
        switch rawValue {
        case 0: "request-complete"
        case 1: "cant-mpx-conn"
        case 2: "overloaded"
        case 3: "unknown-role"
        default: "status \(rawValue)"
        }
    }
}
