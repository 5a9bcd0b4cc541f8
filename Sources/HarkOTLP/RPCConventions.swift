import HarkModel

/// Which OpenTelemetry RPC semantic conventions gRPC spans follow.
public enum RPCConventions: String, Sendable, CaseIterable {
    /// The current names: `rpc.system.name`, `rpc.method` as `package.Service/Method`,
    /// `rpc.response.status_code` as the status name (`NOT_FOUND`).
    case current
    /// The names before v1.37 that many backends still query: `rpc.system`, `rpc.service`, `rpc.method`
    /// (the method alone), `rpc.grpc.status_code` as a number.
    case legacy

    /// The attributes of a gRPC call.
    func attributes(_ call: GRPCSummary) -> [OTLPAttribute] {
        var attributes: [OTLPAttribute] = []
        switch self {
        case .current:
            attributes.append(.string("rpc.system.name", "grpc"))
            if let name = Self.fullMethod(call) { attributes.append(.string("rpc.method", name)) }
            if let status = call.status { attributes.append(.string("rpc.response.status_code", Self.statusName(status))) }
        case .legacy:
            attributes.append(.string("rpc.system", "grpc"))
            if let service = call.service { attributes.append(.string("rpc.service", service)) }
            if let method = call.method { attributes.append(.string("rpc.method", method)) }
            if let status = call.status { attributes.append(.int("rpc.grpc.status_code", status)) }
        }
        return attributes
    }

    /// `package.Service/Method`, when both parts were in the path.
    static func fullMethod(_ call: GRPCSummary) -> String? {
        guard let service = call.service, let method = call.method else { return nil }
        return "\(service)/\(method)"
    }

    /// Whether a call that ended with `status` is an error for a span of `kind` (RPC conventions: every
    /// non-OK status for the caller; for the server only those that mean it failed, not the caller).
    static func isError(_ status: Int, kind: OTLPSpan.Kind) -> Bool {
        guard status != 0 else { return false }
        guard kind == .server else { return true }
        return [2, 4, 12, 13, 14, 15].contains(status)  // UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS
    }

    /// The name of a gRPC status code (`grpc/doc/statuscodes.md`); the number for codes outside 0–16.
    static func statusName(_ status: Int) -> String {
        let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
            "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        return names.indices.contains(status) ? names[status] : String(status)
    }
}
