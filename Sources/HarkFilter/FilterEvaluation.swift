import HarkCore
import HarkModel

extension FilterNode {
    /// Whether the exchange satisfies this node.
    func holds(for exchange: Exchange) -> Bool {
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
            return name.applicationProtocol == applicationProtocol
        case .test(let test):
            return test.holds(forConnection: connection) ?? false
        }
    }
}

extension FilterTest {
    /// Whether the exchange passes this test.
    func holds(for exchange: Exchange) -> Bool {
        if let result = holds(forConnection: exchange.connection) { return result }
        switch self {
        case .text(let field, let pattern):
            return text(of: field, in: exchange, matches: pattern)
        case .number(let field, let comparison):
            guard let value = number(of: field, in: exchange) else { return false }
            return comparison.holds(for: value)
        case .statusClass(let hundreds):
            guard let status = exchange.response?.status.rawValue else { return false }
            return status / 100 == hundreds
        case .present(let field):
            return isPresent(field, in: exchange)
        case .proto(let name):
            switch name {
            case .http1: return exchange.applicationProtocol == .http1
            case .h2: return exchange.applicationProtocol == .http2
            case .ws:
                return exchange.response?.status == .switchingProtocols
                    && exchange.request.headers.containsToken("websocket", in: "upgrade")
            case .grpc:
                guard let type = exchange.request.headers.first("content-type") else { return false }
                return ASCIICase.hasPrefix(type, lowercased: "application/grpc")
            case .tls: return exchange.request.scheme == "https"
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

    private func text(of field: FilterField, in exchange: Exchange, matches pattern: TextPattern) -> Bool {
        switch field {
        case .host:
            return pattern.matches(ExchangeFields.host(of: exchange.request, server: exchange.connection.server))
        case .method:
            return pattern.matches(exchange.request.method.rawValue[...])
        case .path:
            return pattern.matches(ExchangeFields.path(of: exchange.request.target))
        case .url:
            return pattern.matches(exchange.request.url(server: exchange.connection.server)[...])
        case .contentType:
            guard let value = ExchangeFields.contentType(of: exchange) else { return false }
            return pattern.matches(pattern.mentionsParameters ? value[...] : ExchangeFields.mediaType(value))
        case .header(let scope, let name):
            if scope != .response, ExchangeFields.anyValue(of: name, in: exchange.request.headers, matches: pattern) { return true }
            guard scope != .request, let response = exchange.response else { return false }
            return ExchangeFields.anyValue(of: name, in: response.headers, matches: pattern)
        case .grpcMethod:
            guard let name = ExchangeFields.grpcMethod(of: exchange) else { return false }
            return pattern.matches(name[...])
        default:
            return false
        }
    }

    private func number(of field: FilterField, in exchange: Exchange) -> Int64? {
        switch field {
        case .status: exchange.response.map { Int64($0.status.rawValue) }
        case .latency: exchange.response == nil ? nil : exchange.duration.nanoseconds
        case .requestSize: Int64(exchange.request.body.length)
        case .responseSize: exchange.response.map { Int64($0.body.length) }
        case .stream: exchange.streamID.map(Int64.init)
        case .grpcStatus: exchange.grpc?.status.map(Int64.init)
        default: nil
        }
    }

    private func isPresent(_ field: FilterField, in exchange: Exchange) -> Bool {
        switch field {
        case .status, .responseSize: exchange.response != nil
        case .contentType: ExchangeFields.contentType(of: exchange) != nil
        case .header(let scope, let name):
            (scope != .response && ExchangeFields.contains(name, in: exchange.request.headers))
                || (scope != .request && exchange.response.map { ExchangeFields.contains(name, in: $0.headers) } == true)
        case .stream: exchange.streamID != nil
        case .grpcStatus: exchange.grpc?.status != nil
        case .grpcMethod: ExchangeFields.grpcMethod(of: exchange) != nil
        case .messageText: false  // exchanges carry no message text
        default: true
        }
    }
}
