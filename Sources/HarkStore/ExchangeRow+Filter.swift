import HarkCore
public import HarkFilter
public import HarkModel

/// The filter language runs on rows directly, without rebuilding an `Exchange` per row. Rows know every
/// field but the header fields other than `Content-Type` (and the request's `Upgrade: websocket`);
/// `Filter.readsHeaders` tells a caller to read the exchange back for those (`ExchangeList.matching`).
extension ExchangeRow: FilterSubject {
    public var filterConnection: ConnectionContext { ConnectionContext(id: connectionID, client: client, server: server) }
    public var filterApplicationProtocol: ApplicationProtocol { applicationProtocol }
    public var filterMethod: Substring { slice(.method) ?? "" }
    public var filterHost: Substring { ExchangeFields.host(authority: slice(.authority), server: server) }
    public var filterPath: Substring { ExchangeFields.path(of: slice(.target) ?? "") }

    public var filterURL: String {
        HTTPRequestRecord.url(
            method: method, target: target, scheme: scheme, authority: authority,
            isExtendedConnect: isExtendedConnect, server: server
        )
    }

    public var filterContentType: Substring? { slice(.responseContentType) ?? slice(.requestContentType) }
    public var filterStatus: Int? { statusValue }
    public var filterLatency: Int64? { statusValue == nil ? nil : duration.nanoseconds }
    public var filterRequestSize: Int { requestBodySize }
    public var filterResponseSize: Int? { statusValue == nil ? nil : responseBodySize }
    public var filterStreamID: Int? { streamID }
    public var filterGRPCStatus: Int? { grpcStatus }
    public var filterGRPCMethod: String? { ExchangeFields.grpcMethod(service: grpcService, method: grpcMethod) }
    public var filterIsWebSocketUpgrade: Bool { hasWebSocketUpgradeFlag }
    public var filterIsGRPC: Bool { hasGRPCFlag }
    public var filterIsTLS: Bool { isTLS }

    /// The kept header fields: `Content-Type` both ways, and the request's `Upgrade: websocket` when
    /// an HTTP/1 connection switched to WebSocket.
    public func filterHeaderValues(named name: String, response: Bool, where body: (Substring) -> Bool) -> Bool {
        switch name {
        case "content-type":
            guard let value = slice(response ? .responseContentType : .requestContentType) else { return false }
            return body(value)
        case "upgrade":
            // HTTP/2 has no Upgrade field: its WebSocket streams are extended CONNECTs (RFC 8441).
            return !response && slice(.switchedTo) == "websocket"
                && slice(.applicationProtocol) != ApplicationProtocol.http2.rawValue[...] && body("websocket")
        default:
            return false
        }
    }
}
