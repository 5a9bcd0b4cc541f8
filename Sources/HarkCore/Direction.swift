/// Which way bytes travel on a connection whose client and server are known.
public enum Direction: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// From the side that opened the connection (or, mid-stream, the side judged to be the client).
    case clientToServer = 0
    /// From the side that accepted the connection.
    case serverToClient = 1

    /// The other direction.
    @inlinable
    public var reversed: Direction { self == .clientToServer ? .serverToClient : .clientToServer }

    public var description: String { self == .clientToServer ? "client→server" : "server→client" }
}
