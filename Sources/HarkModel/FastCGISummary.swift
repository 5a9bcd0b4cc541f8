/// What a FastCGI exchange carried besides its HTTP request and response, for outputs (HAR `_fastcgi`).
public struct FastCGISummary: Hashable, Sendable {
    /// The request id of its records.
    public var requestID: Int
    /// The role asked for: `responder`, `authorizer`, `filter`.
    public var role: String
    /// Whether the web server asked to keep the connection open (`FCGI_KEEP_CONN`).
    public var keepsConnection: Bool
    /// `END_REQUEST`'s application status (the script's exit status); nil without `END_REQUEST`.
    public var appStatus: Int?
    /// `END_REQUEST`'s protocol status (`request-complete`, `overloaded`, …); nil without `END_REQUEST`.
    public var protocolStatus: String?
    /// `STDERR` text, bounded (`stderrLength` says how much there was).
    public var stderr: String
    /// `STDERR` bytes seen, kept or not.
    public var stderrLength: Int
    /// Bytes of the request's concatenated `PARAMS`.
    public var paramsLength: Int

    public init(
        requestID: Int,
        role: String,
        keepsConnection: Bool,
        appStatus: Int?,
        protocolStatus: String?,
        stderr: String,
        stderrLength: Int,
        paramsLength: Int
    ) {
        self.requestID = requestID
        self.role = role
        self.keepsConnection = keepsConnection
        self.appStatus = appStatus
        self.protocolStatus = protocolStatus
        self.stderr = stderr
        self.stderrLength = stderrLength
        self.paramsLength = paramsLength
    }
}
