import HarkCore
import HarkModel

extension TCPConnectionSummary {
    /// The same connection with client and server the other way round: endpoints, counters, ends and
    /// the side that reset it, the roles now known from `source`.
    func swappingRoles(source: RoleSource) -> TCPConnectionSummary {
        var info = self.info
        (info.client, info.server) = (info.server, info.client)
        info.roleSource = source
        return TCPConnectionSummary(
            info: info,
            lastTimestamp: lastTimestamp,
            clientToServer: serverToClient,
            serverToClient: clientToServer,
            handshakeRoundTrip: handshakeRoundTrip,
            synRetransmissions: synRetransmissions,
            clientEnd: serverEnd,
            serverEnd: clientEnd,
            resetBy: resetBy?.reversed
        )
    }
}
