import HarkCore
import HarkModel

extension FilterNode {
    /// Whether the exchange satisfies this node.
    func holds<Subject: FilterSubject>(for exchange: Subject) -> Bool {
        switch self {
        case .all(let nodes):
            for node in nodes where !node.holds(for: exchange) { return false }
            return true
        case .any(let nodes):
            for node in nodes where node.holds(for: exchange) { return true }
            return false
        case .not(let node):
            return !node.holds(for: exchange)
        case .test(let test):
            return test.holds(for: exchange)
        }
    }

    /// Whether the connection satisfies this node; HTTP fields count as missing.
    func holds(for connection: ConnectionContext, applicationProtocol: ApplicationProtocol) -> Bool {
        switch self {
        case .all(let nodes):
            for node in nodes where !node.holds(for: connection, applicationProtocol: applicationProtocol) { return false }
            return true
        case .any(let nodes):
            for node in nodes where node.holds(for: connection, applicationProtocol: applicationProtocol) { return true }
            return false
        case .not(let node):
            return !node.holds(for: connection, applicationProtocol: applicationProtocol)
        case .test(.proto(let name)):
            return name.matches(connection: applicationProtocol)
        case .test(let test):
            return test.holds(forConnection: connection) ?? false
        }
    }
}

extension FilterTest {
    /// Whether the exchange passes this test.
    func holds<Subject: FilterSubject>(for exchange: Subject) -> Bool {
        if let result = holds(forConnection: exchange.filterConnection) { return result }
        switch self {
        case .text(let field, let pattern):
            return text(of: field, in: exchange, matches: pattern)
        case .number(let field, let comparison):
            guard let value = number(of: field, in: exchange) else { return false }
            return comparison.holds(for: value)
        case .statusClass(let hundreds):
            guard let status = exchange.filterStatus else { return false }
            return status / 100 == hundreds
        case .present(let field):
            return isPresent(field, in: exchange)
        case .proto(let name):
            switch name {
            case .http1: return exchange.filterApplicationProtocol == .http1
            case .h2: return exchange.filterApplicationProtocol == .http2
            case .h3: return exchange.filterApplicationProtocol == .http3
            case .quic: return exchange.filterApplicationProtocol == .http3 || exchange.filterApplicationProtocol == .quic
            case .fcgi: return exchange.filterApplicationProtocol == .fastCGI
            case .ws: return exchange.filterIsWebSocketUpgrade
            case .grpc: return exchange.filterIsGRPC
            case .tls: return exchange.filterIsTLS
            case .unknown, .none: return false
            }
        case .address:
            return false
        }
    }

    /// The result of a test on connection fields (`ip`, `port`, `client`, `server`, `conn`); nil for
    /// the others.
    func holds(forConnection connection: ConnectionContext) -> Bool? {
        switch self {
        case .address(.client, let pattern):
            return pattern.matches(connection.client)
        case .address(.server, let pattern):
            return pattern.matches(connection.server)
        case .address(_, let pattern):
            return pattern.matches(connection.client.address) || pattern.matches(connection.server.address)
        case .number(.port, let comparison):
            return comparison.holds(for: Int64(connection.client.port)) || comparison.holds(for: Int64(connection.server.port))
        case .number(.connection, let comparison):
            return comparison.holds(for: Int64(connection.id))
        default:
            return nil
        }
    }

    private func text<Subject: FilterSubject>(of field: FilterField, in exchange: Subject, matches pattern: TextPattern) -> Bool {
        switch field {
        case .host:
            return pattern.matches(exchange.filterHost)
        case .method:
            return pattern.matches(exchange.filterMethod)
        case .path:
            return pattern.matches(exchange.filterPath)
        case .url:
            return pattern.matches(exchange.filterURL[...])
        case .contentType:
            guard let value = exchange.filterContentType else { return false }
            return pattern.matches(pattern.mentionsParameters ? value : ExchangeFields.mediaType(value))
        case .header(let scope, let name):
            if scope != .response, exchange.filterHeaderValues(named: name, response: false, where: pattern.matches) { return true }
            return scope != .request && exchange.filterHeaderValues(named: name, response: true, where: pattern.matches)
        case .grpcMethod:
            guard let name = exchange.filterGRPCMethod else { return false }
            return pattern.matches(name[...])
        default:
            return false
        }
    }

    private func number<Subject: FilterSubject>(of field: FilterField, in exchange: Subject) -> Int64? {
        switch field {
        case .status: exchange.filterStatus.map(Int64.init)
        case .latency: exchange.filterLatency
        case .requestSize: Int64(exchange.filterRequestSize)
        case .responseSize: exchange.filterResponseSize.map(Int64.init)
        case .stream: exchange.filterStreamID.map(Int64.init)
        case .grpcStatus: exchange.filterGRPCStatus.map(Int64.init)
        default: nil
        }
    }

    private func isPresent<Subject: FilterSubject>(_ field: FilterField, in exchange: Subject) -> Bool {
        switch field {
        case .status, .responseSize: exchange.filterStatus != nil
        case .contentType: exchange.filterContentType != nil
        case .header(let scope, let name):
            (scope != .response && exchange.filterHeaderValues(named: name, response: false) { _ in true })
                || (scope != .request && exchange.filterHeaderValues(named: name, response: true) { _ in true })
        case .stream: exchange.filterStreamID != nil
        case .grpcStatus: exchange.filterGRPCStatus != nil
        case .grpcMethod: exchange.filterGRPCMethod != nil
        case .messageText: false  // exchanges carry no message text
        default: true
        }
    }
}
