/// The 4-tuple of a transport connection, normalised so that both directions map to the same key.
///
/// `lower` is the smaller endpoint; a packet from `lower` to `higher` and one from `higher` to `lower`
/// produce equal keys. Which side is the client is decided once, by reassembly, and kept beside the key.
public struct ConnectionKey: Hashable, Sendable, CustomStringConvertible {
    /// The smaller of the two endpoints.
    public let lower: Endpoint
    /// The larger of the two endpoints.
    public let higher: Endpoint

    /// The key of the connection carrying a packet from `source` to `destination`.
    @inlinable
    public init(source: Endpoint, destination: Endpoint) {
        if source < destination {
            lower = source
            higher = destination
        } else {
            lower = destination
            higher = source
        }
    }

    public var description: String { "\(lower) ⇄ \(higher)" }
}
