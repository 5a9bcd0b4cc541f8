import HarkCore
import HarkFormat
import Testing

struct TimestampFormatTests {
    @Test func iso8601MatchesKnownInstants() {
        // capinfos: First packet time 2014-01-14 17:04:01.819644 (http1-browse-bro-org.pcap)
        let first = Timestamp(seconds: 1_389_719_041, fraction: 819_644, unitsPerSecond: 1_000_000)
        #expect(TimestampFormat.iso8601(first) == "2014-01-14T17:04:01.819Z")
        #expect(TimestampFormat.iso8601(first, fractionDigits: 6) == "2014-01-14T17:04:01.819644Z")
        #expect(TimestampFormat.iso8601(Timestamp(nanoseconds: 0), fractionDigits: 0) == "1970-01-01T00:00:00Z")
        #expect(TimestampFormat.iso8601(Timestamp(seconds: 951_782_400, fraction: 0, unitsPerSecond: 1)) == "2000-02-29T00:00:00.000Z")
        #expect(TimestampFormat.iso8601(Timestamp(nanoseconds: -1)) == "1969-12-31T23:59:59.999Z")
    }

    @Test func extremeTimestampsDoNotTrap() {
        _ = TimestampFormat.iso8601(Timestamp(nanoseconds: .max))
        _ = TimestampFormat.iso8601(Timestamp(nanoseconds: .min))
    }

    @Test func durationsPickAReadableUnit() {
        #expect(TimestampFormat.duration(TimeSpan(nanoseconds: 850_000)) == "850 µs")
        #expect(TimestampFormat.duration(TimeSpan(nanoseconds: 93_150_000)) == "93.2 ms")
        #expect(TimestampFormat.duration(TimeSpan(nanoseconds: 17_492_054_000)) == "17.49 s")
        #expect(TimestampFormat.duration(.seconds(125)) == "2 min 5 s")
    }

    @Test func decimalsAreRoundedWithoutANegativeZero() {
        #expect(TimestampFormat.decimal(-1.25, places: 1) == "-1.3")
        #expect(TimestampFormat.decimal(-0.04, places: 1) == "0.0")
        #expect(TimestampFormat.decimal(2, places: 0) == "2")
        #expect(TimestampFormat.decimal(0.5, places: 3) == "0.500")
        #expect(TimestampFormat.decimal(.nan, places: 2) == "0")
        #expect(TimestampFormat.decimal(-1e300, places: 2) == "-9e18")
    }

    @Test func byteCounts() {
        #expect(ByteCountFormat.short(512) == "512 B")
        #expect(ByteCountFormat.short(3_100) == "3.1 kB")
        #expect(ByteCountFormat.short(120_345_678) == "120.3 MB")
    }
}
