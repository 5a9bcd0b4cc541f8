public import HarkModel

/// Which exchanges become HAR entries.
///
/// Every entry must be one a HAR consumer can replay: a request that was sent, with its method and an
/// absolute URL. Three kinds of exchange are not that, and are left out unless asked for:
/// a TLS connection that could not be decrypted (`--include-undecrypted`), a response whose request
/// was not captured (`--include-unpaired-responses`; the capture began after the request was sent,
/// or an HTTP/2 stream's HEADERS were lost), and the `101` exchange of an h2c upgrade, whose request
/// HTTP/2 stream 1 carries again with the final response (RFC 9113 §3.1): one entry per request.
/// The entries included on request have method `UNKNOWN` and a URL built from what is known.
public struct HARInclusion: Hashable, Sendable {
    /// Why an exchange got no entry.
    public enum Exclusion: Hashable, Sendable {
        /// A TLS connection that could not be decrypted.
        case undecrypted
        /// A response whose request was not captured.
        case unpairedResponse
        /// An h2c upgrade's `101`: stream 1 has the entry.
        case h2cUpgrade
    }

    /// Whether undecrypted TLS connections get entries.
    public var undecrypted: Bool
    /// Whether responses whose request was not captured get entries.
    public var unpairedResponses: Bool

    public init(undecrypted: Bool = false, unpairedResponses: Bool = false) {
        self.undecrypted = undecrypted
        self.unpairedResponses = unpairedResponses
    }

    /// Why `exchange` gets no entry, or nil when it gets one.
    public func exclusion(of exchange: Exchange) -> Exclusion? {
        if exchange.isUndecryptedStandIn { return undecrypted ? nil : .undecrypted }
        if exchange.switchedTo == "h2c" { return .h2cUpgrade }
        if exchange.request.isPlaceholder { return unpairedResponses ? nil : .unpairedResponse }
        return nil
    }
}
