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

    /// Feeds the whole 4-tuple to the hasher in one call, where the synthesized version makes one
    /// call per field (eight); reassembly hashes a key for most packets.
    public func hash(into hasher: inout Hasher) {
        let families = (lower.address.isIPv6 ? 1 << 32 : 0) | (higher.address.isIPv6 ? 1 << 33 : 0) as UInt64
        let words = (
            lower.address.high,
            lower.address.low,
            higher.address.high,
            higher.address.low,
            UInt64(lower.port) << 16 | UInt64(higher.port) | families
        )
        withUnsafeBytes(of: words) { hasher.combine(bytes: $0) }
    }

    public var description: String { "\(lower) ⇄ \(higher)" }
}
