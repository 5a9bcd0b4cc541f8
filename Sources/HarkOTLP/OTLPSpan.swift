/// One span as OTLP carries it (`opentelemetry.proto.trace.v1.Span`), with the fields hark fills.
public struct OTLPSpan: Hashable, Sendable {
    /// `SpanKind`.
    public enum Kind: Int64, Hashable, Sendable {
        case `internal` = 1
        case server = 2
        case client = 3
    }

    /// `Status.StatusCode`.
    public enum StatusCode: Int64, Hashable, Sendable {
        case unset = 0
        case ok = 1
        case error = 2
    }

    /// A time-stamped annotation (`Span.Event`).
    public struct Event: Hashable, Sendable {
        /// Nanoseconds since the epoch.
        public var time: Int64
        /// What happened (`response.first_byte`).
        public var name: String
        /// Facts about it.
        public var attributes: [OTLPAttribute]

        /// - Parameters: as the properties of the same names.
        public init(time: Int64, name: String, attributes: [OTLPAttribute] = []) {
            self.time = time
            self.name = name
            self.attributes = attributes
        }
    }

    /// A pointer to a related span (`Span.Link`).
    public struct Link: Hashable, Sendable {
        /// 16 bytes.
        public var traceID: [UInt8]
        /// 8 bytes.
        public var spanID: [UInt8]
        /// Why they are related.
        public var attributes: [OTLPAttribute]

        /// - Parameters: as the properties of the same names.
        public init(traceID: [UInt8], spanID: [UInt8], attributes: [OTLPAttribute] = []) {
            self.traceID = traceID
            self.spanID = spanID
            self.attributes = attributes
        }
    }

    /// 16 bytes.
    public var traceID: [UInt8]
    /// 8 bytes.
    public var spanID: [UInt8]
    /// The W3C `tracestate` of the trace the span joined; empty when none.
    public var traceState: String
    /// The parent's span id (8 bytes); empty for a root span.
    public var parentSpanID: [UInt8]
    /// The operation (`GET /users/{id}`).
    public var name: String
    /// Which side of the call the span describes.
    public var kind: Kind
    /// Nanoseconds since the epoch.
    public var start: Int64
    public var end: Int64
    /// Semantic-convention and `hark.` attributes.
    public var attributes: [OTLPAttribute]
    /// Timing phases.
    public var events: [Event]
    /// Related spans (earlier streams of the same HTTP/2 connection).
    public var links: [Link]
    /// The span's outcome and, for errors, why.
    public var status: StatusCode
    public var statusMessage: String

    /// - Parameters: as the properties of the same names.
    public init(
        traceID: [UInt8], spanID: [UInt8], traceState: String = "", parentSpanID: [UInt8] = [], name: String, kind: Kind,
        start: Int64, end: Int64, attributes: [OTLPAttribute] = [], events: [Event] = [], links: [Link] = [],
        status: StatusCode = .unset, statusMessage: String = ""
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.start = start
        self.end = end
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
        self.statusMessage = statusMessage
    }

    /// The `Span` message's bytes (field numbers from `opentelemetry/proto/trace/v1/trace.proto`).
    public var encoded: [UInt8] {
        var span = ProtobufWriter(capacity: 1024)
        span.bytesField(1, traceID)
        span.bytesField(2, spanID)
        span.stringField(3, traceState)
        span.bytesField(4, parentSpanID)
        span.stringField(5, name)
        span.varintField(6, kind.rawValue)
        span.fixed64Field(7, UInt64(clamping: start))
        span.fixed64Field(8, UInt64(clamping: end))
        attributes.write(9, to: &span)
        for event in events {
            span.messageField(11, always: true) { message in
                message.fixed64Field(1, UInt64(clamping: event.time))
                message.stringField(2, event.name)
                event.attributes.write(3, to: &message)
            }
        }
        for link in links {
            span.messageField(13, always: true) { message in
                message.bytesField(1, link.traceID)
                message.bytesField(2, link.spanID)
                link.attributes.write(4, to: &message)
            }
        }
        span.messageField(15) { message in
            message.stringField(2, statusMessage)
            message.varintField(3, status.rawValue)
        }
        return span.bytes
    }
}
