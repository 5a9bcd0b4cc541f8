import HarkCore

/// An `ExchangeTiming` as plain nanoseconds, `Int64.min` for the phases that did not happen: 64 bytes
/// instead of 104.
struct RowTimes: Sendable, Hashable {
    private let start, connectEnd, tlsStart, tlsEnd, requestStart, requestEnd, responseStart, responseEnd: Int64

    init(_ timing: ExchangeTiming) {
        start = timing.start.nanoseconds
        connectEnd = timing.connectEnd?.nanoseconds ?? .min
        tlsStart = timing.tlsStart?.nanoseconds ?? .min
        tlsEnd = timing.tlsEnd?.nanoseconds ?? .min
        requestStart = timing.requestStart.nanoseconds
        requestEnd = timing.requestEnd.nanoseconds
        responseStart = timing.responseStart?.nanoseconds ?? .min
        responseEnd = timing.responseEnd?.nanoseconds ?? .min
    }

    var timing: ExchangeTiming {
        ExchangeTiming(
            start: Timestamp(nanoseconds: start), connectEnd: Self.time(connectEnd), tlsStart: Self.time(tlsStart),
            tlsEnd: Self.time(tlsEnd), requestStart: Timestamp(nanoseconds: requestStart),
            requestEnd: Timestamp(nanoseconds: requestEnd), responseStart: Self.time(responseStart),
            responseEnd: Self.time(responseEnd)
        )
    }

    /// As `ExchangeTiming.duration`, without building one.
    var duration: TimeSpan {
        Timestamp(nanoseconds: responseEnd == .min ? requestEnd : responseEnd).since(Timestamp(nanoseconds: requestStart))
    }

    private static func time(_ nanoseconds: Int64) -> Timestamp? {
        nanoseconds == .min ? nil : Timestamp(nanoseconds: nanoseconds)
    }
}
