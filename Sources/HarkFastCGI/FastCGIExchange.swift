public import HarkCore

/// One FastCGI request and what the application answered, as the records carried them.
public struct FastCGIExchange: Sendable {
    /// A body as the records carried it: bytes kept, bytes seen.
    public struct Body: Sendable {
        /// The bytes kept (up to `FastCGILimits.maxBodyBytes`).
        public var bytes = BodyStorage()
        /// Bytes seen, kept or not.
        public var length = 0
        /// Bytes on the wire for the body: record headers, content and padding.
        public var wireBytes = 0
        /// Whether the stream's empty closing record was seen.
        public var isComplete = false
        /// The content codings the CGI response head named (`gzip`, `br`), in the order applied.
        public var contentCodings: [String] = []
        /// The body with those codings undone (up to `FastCGILimits.maxBodyBytes` kept); nil without
        /// codings or when the analyzer does not decode content.
        public var decoded: BodyStorage?
        /// Bytes the decoding produced, kept or not; set exactly when `decoded` is.
        public var decodedLength: Int?
        /// Why decoding failed or stopped early.
        public var decodingError: String?
    }

    /// The request id of its records.
    public var requestID: UInt16
    /// The role `BEGIN_REQUEST` asked for.
    public var role: FastCGIRole
    /// Whether the web server asked to keep the connection open after this request (`FCGI_KEEP_CONN`).
    public var keepsConnection: Bool
    /// The request rebuilt from its CGI variables.
    public var request: CGIRequest
    /// Bytes of the concatenated `PARAMS` stream.
    public var paramsLength: Int
    /// `STDIN`: the request body.
    public var stdin = Body()
    /// The CGI response head from `STDOUT`; nil when none was seen (no output, or no blank line).
    public var responseHead: CGIResponseHead?
    /// `STDOUT` after the head: the response body.
    public var stdout = Body()
    /// `STDERR` text, up to `FastCGILimits.maxStderrBytes` (invalid UTF-8 replaced).
    public var stderr = ""
    /// `STDERR` bytes seen, kept or not.
    public var stderrLength = 0
    /// `END_REQUEST`'s application status; nil without `END_REQUEST`.
    public var appStatus: UInt32?
    /// `END_REQUEST`'s protocol status; nil without `END_REQUEST`.
    public var protocolStatus: FastCGIProtocolStatus?
    /// Whether the web server sent `ABORT_REQUEST`.
    public var isAborted = false
    /// Capture times: `BEGIN_REQUEST`, the last web-server record, the first and last application record.
    public var requestStart: Timestamp
    public var requestEnd: Timestamp
    public var responseStart: Timestamp?
    public var responseEnd: Timestamp?
    /// Numbers of the packets of those records (from the analyzer's `PacketClock`; 0: not known).
    public var requestFirstPacket = 0
    public var requestLastPacket = 0
    public var responseFirstPacket = 0
    public var responseLastPacket = 0
    /// What is missing or wrong, in words.
    public var problems: [String] = []
}
