/// The permessage-deflate parameters (RFC 7692 §7) a server accepted in its `101` response's
/// `Sec-WebSocket-Extensions`.
public struct PerMessageDeflate: Hashable, Sendable {
    /// `server_no_context_takeover`: the server starts each message with an empty window.
    public var serverNoContextTakeover = false
    /// `client_no_context_takeover`: the client starts each message with an empty window.
    public var clientNoContextTakeover = false
    /// `server_max_window_bits` (8–15), default 15.
    public var serverMaxWindowBits = 15
    /// `client_max_window_bits` (8–15), default 15.
    public var clientMaxWindowBits = 15

    public init() {}

    /// The accepted permessage-deflate offer in a `Sec-WebSocket-Extensions` value, or nil when the
    /// server accepted none. Only the first `permessage-deflate` element counts (RFC 7692 §5: the
    /// response names at most one).
    ///
    /// - Parameter headerValues: every `Sec-WebSocket-Extensions` value of the response, in order.
    public static func negotiated(by headerValues: [String]) -> PerMessageDeflate? {
        for element in headerValues.flatMap({ $0.split(separator: ",") }) {
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard parts.first?.lowercased() == "permessage-deflate" else { continue }
            var settings = PerMessageDeflate()
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t\"") }
                let bits = pair.count == 2 ? Int(pair[1]).map { min(15, max(8, $0)) } : nil
                switch pair.first?.lowercased() {
                case "server_no_context_takeover": settings.serverNoContextTakeover = true
                case "client_no_context_takeover": settings.clientNoContextTakeover = true
                case "server_max_window_bits": settings.serverMaxWindowBits = bits ?? 15
                case "client_max_window_bits": settings.clientMaxWindowBits = bits ?? 15
                default: break
                }
            }
            return settings
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        let start = firstIndex { !characters.contains($0) } ?? endIndex
        let end = lastIndex { !characters.contains($0) }.map(index(after:)) ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}
