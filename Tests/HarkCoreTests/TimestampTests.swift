import HarkCore
import Testing

struct TimestampTests {
    @Test func resolutionsConvertToNanoseconds() {
        #expect(Timestamp(seconds: 2, fraction: 5, unitsPerSecond: 1_000_000).nanoseconds == 2_000_005_000)
        #expect(Timestamp(seconds: 2, fraction: 5, unitsPerSecond: 1_000_000_000).nanoseconds == 2_000_000_005)
        #expect(Timestamp(seconds: 0, fraction: 1, unitsPerSecond: 1024).nanoseconds == 976_563)
    }

    @Test func absurdValuesSaturateInsteadOfTrapping() {
        #expect(Timestamp(seconds: .max, fraction: .max, unitsPerSecond: 1_000_000).nanoseconds == .max)
        #expect(Timestamp(seconds: 1, fraction: 1, unitsPerSecond: 0).nanoseconds == 1_000_000_000)
        #expect(Timestamp(nanoseconds: .max).advanced(by: .seconds(1)).nanoseconds == .max)
        #expect(Timestamp(nanoseconds: .min).since(Timestamp(nanoseconds: .max)).nanoseconds != 0)
    }
}
