/// What produced a batch of telemetry (`opentelemetry.proto.resource.v1.Resource`): for hark, a service.
public struct OTLPResource: Hashable, Sendable {
    /// `service.name` first, then any others.
    public var attributes: [OTLPAttribute]

    /// A resource for the service `serviceName`, with hark named as the telemetry SDK.
    public init(serviceName: String) {
        attributes = [
            .string("service.name", serviceName),
            .string("telemetry.sdk.name", "hark"),
            .string("telemetry.sdk.language", "swift"),
        ]
    }

    /// Writes this `Resource` in `field` of the enclosing message.
    func write(_ field: Int, to writer: inout ProtobufWriter) {
        writer.messageField(field, always: true) { attributes.write(1, to: &$0) }
    }
}

/// The instrumentation scope hark's spans and metrics carry (`InstrumentationScope`).
enum OTLPScope {
    /// Writes `{name: "hark", version}` in `field` of the enclosing message.
    static func write(_ field: Int, version: String, to writer: inout ProtobufWriter) {
        writer.messageField(field, always: true) { scope in
            scope.stringField(1, "hark")
            scope.stringField(2, version)
        }
    }
}

/// The envelope both export requests share: one `ResourceSpans`/`ResourceMetrics` per resource (field 1
/// of the request), holding the resource (field 1) and one `ScopeSpans`/`ScopeMetrics` (field 2) whose
/// scope is hark (field 1) and whose items `writeItems` writes.
enum OTLPEnvelope {
    static func encode<Item>(
        _ groups: [(resource: OTLPResource, items: [Item])], scopeVersion: String, writeItems: ([Item], inout ProtobufWriter) -> Void
    ) -> [UInt8] {
        var request = ProtobufWriter()
        for group in groups where !group.items.isEmpty {
            request.messageField(1, always: true) { resourceMessage in
                group.resource.write(1, to: &resourceMessage)
                resourceMessage.messageField(2, always: true) { scopeMessage in
                    OTLPScope.write(1, version: scopeVersion, to: &scopeMessage)
                    writeItems(group.items, &scopeMessage)
                }
            }
        }
        return request.bytes
    }
}

/// Builds the request bodies of `/v1/traces` from encoded spans grouped by resource.
public enum OTLPTraceRequest {
    /// An `ExportTraceServiceRequest`: one `ResourceSpans` per resource, in the order given, each with one
    /// `ScopeSpans` holding its spans (each an encoded `Span`).
    public static func encode(_ groups: [(resource: OTLPResource, spans: [[UInt8]])], scopeVersion: String) -> [UInt8] {
        OTLPEnvelope.encode(groups.map { (resource: $0.resource, items: $0.spans) }, scopeVersion: scopeVersion) { spans, scopeSpans in
            for span in spans { scopeSpans.encodedMessageField(2, span) }
        }
    }
}
