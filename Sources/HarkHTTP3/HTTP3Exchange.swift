public import HarkContentCoding
public import HarkCore

/// A message body carried in DATA frames.
public struct HTTP3Body: Sendable {
    /// The DATA content, up to `HTTP3Limits.maxBodyBytes`, in hark's own storage.
    public var bytes = BodyStorage()
    /// DATA bytes captured, kept or not.
    public var length = 0
    /// DATA bytes lost in capture gaps.
    public var missingBytes = 0
    /// The content codings from `content-encoding`, in the order applied.
    public var contentCodings: [ContentCoding] = []
    /// The body with content codings undone, when there were any and nothing was lost.
    public var decoded: BodyStorage?
    /// Bytes content decoding produced; set exactly when `decoded` is.
    public var decodedLength: Int?
    /// Why content decoding failed or stopped early.
    public var decodingError: ContentDecodingError?

    public init() {}
}

/// One request's or response's head, body and trailers.
public struct HTTP3Message: Sendable {
    /// Regular fields, in order (pseudo-fields are in the properties below).
    public var fields: HTTPFields
    /// `:method`, `:scheme`, `:authority`, `:path` of a request; `:status` of a response.
    public var method: String?
    public var scheme: String?
    public var authority: String?
    public var path: String?
    public var status: Int?
    public var trailers = HTTPFields()
    public var body = HTTP3Body()
    /// When its first and last frames were captured.
    public var firstByteTime: Timestamp
    public var lastByteTime: Timestamp
    /// Numbers of the capture packets holding its first and last bytes (0: not known).
    public var firstPacket: Int
    public var lastPacket: Int

    /// A message from a decoded field section whose frame came in `packets`.
    init(section: [QPACKField], at time: Timestamp, packets: (first: Int, last: Int)) {
        var fields: [HTTPFields.Field] = []
        for field in section {
            switch field.name {
            case ":method": method = field.value
            case ":scheme": scheme = field.value
            case ":authority": authority = field.value
            case ":path": path = field.value
            case ":status": status = Int(field.value)
            default: fields.append(HTTPFields.Field(name: field.name, value: field.value))
            }
        }
        self.fields = HTTPFields(fields)
        firstByteTime = time
        lastByteTime = time
        firstPacket = packets.first
        lastPacket = packets.last
    }
}

/// One request stream, or one server push: the request, interim and final responses, and what went wrong.
public struct HTTP3Exchange: Sendable {
    /// The QUIC stream ID: the request stream (client-initiated bidirectional: 0, 4, 8, …), or for a push
    /// the push stream (server-initiated unidirectional: 3, 7, 11, …).
    public var streamID: UInt64
    /// For a response the server pushed (RFC 9114 §4.6): its push ID, and the request stream whose
    /// PUSH_PROMISE carried the promised request (nil when that was not captured).
    public var pushID: UInt64?
    public var promisedOn: UInt64?
    /// The request; nil when its HEADERS were not read (lost, or QPACK state unknown).
    public var request: HTTP3Message?
    /// 1xx responses before the final one.
    public var interimResponses: [HTTP3Message] = []
    public var response: HTTP3Message?
    /// What is incomplete or went wrong, in words.
    public var issues: [String] = []
}

/// What an `HTTP3Analyzer` reports.
public enum HTTP3Event: Sendable {
    case exchange(HTTP3Exchange)
    /// A problem; `isError` for what breaks decoding.
    case diagnostic(String, isError: Bool)
}
