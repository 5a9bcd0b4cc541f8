/// Decides which side of a connection is the server when the capture missed the handshake.
///
/// Content can refine this later (a side that sends `HTTP/1.1 200` is a server); reassembly needs an
/// answer at the first packet, so it uses ports, as Wireshark and Zeek do.
enum ServerPortHeuristic {
    /// Ports where HTTP and friends are commonly served above 1023.
    private static let wellKnownServicePorts: Set<UInt16> = [
        1080, 2375, 2376, 3000, 3128, 4000, 5000, 5001, 8000, 8008, 8080, 8081, 8082, 8083, 8088, 8443, 8888, 9000,
        9090, 9200, 50051,
    ]

    /// Whether `port` is more likely the server's than `other`.
    static func isServer(_ port: UInt16, comparedWith other: UInt16) -> Bool {
        let known = wellKnownServicePorts.contains(port) || port < 1024
        let otherKnown = wellKnownServicePorts.contains(other) || other < 1024
        if known != otherKnown { return known }
        if port != other { return port < other }
        return true
    }
}
