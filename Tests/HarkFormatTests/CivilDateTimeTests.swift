import Foundation
import HarkCore
import HarkFormat
import Testing

struct CivilDateTimeTests {
    private func iso(_ date: CivilDateTime, _ digits: Int = 3) -> String {
        var text = OutputBuffer(capacity: 8)
        text.appendISO8601(date, fractionDigits: digits)
        return text.text
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_389_719_041, "2014-01-14T17:04:01.000Z"),
        (951_782_400, "2000-02-29T00:00:00.000Z"),  // leap day of a year divisible by 400
        (4_107_542_400, "2100-03-01T00:00:00.000Z"),  // 2100 is not a leap year
        (253_402_300_799, "9999-12-31T23:59:59.000Z"),
        (-1, "1969-12-31T23:59:59.000Z"),
        (-62_135_596_800, "0001-01-01T00:00:00.000Z"),
        (-62_167_219_200, "0000-01-01T00:00:00.000Z"),
        (-62_167_219_201, "-0001-12-31T23:59:59.000Z"),
    ])
    func knownInstants(seconds: Int64, expected: String) {
        let date = CivilDateTime(secondsSinceEpoch: seconds)
        #expect(iso(date) == expected)
        #expect(date.secondsSinceEpoch == seconds)
    }

    @Test func everyDayOfFourCenturiesMatchesFoundationAndRoundTrips() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let first: Int64 = -11_676_096_000  // 1600-01-01
        for day in stride(from: Int64(0), to: 146_097 + 366, by: 1) {
            let seconds = first + day * 86_400 + 3_723
            let date = CivilDateTime(secondsSinceEpoch: seconds)
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let expected: [Int?] = [parts.year, parts.month, parts.day]
            #expect([date.year, date.month, date.day] == expected)
            #expect(date.hour == 1 && date.minute == 2 && date.second == 3)
            #expect(CivilDateTime(year: date.year, month: date.month, day: date.day, hour: 1, minute: 2, second: 3) == date)
            #expect(date.secondsSinceEpoch == seconds)
        }
    }

    @Test func timestampsKeepTheirFractionTruncatedToTheDigitsAsked() {
        let date = CivilDateTime(Timestamp(nanoseconds: 1_389_719_041_819_644_999))
        #expect(date.nanosecond == 819_644_999)
        #expect(iso(date, 0) == "2014-01-14T17:04:01Z")
        #expect(iso(date, 3) == "2014-01-14T17:04:01.819Z")
        #expect(iso(date, 9) == "2014-01-14T17:04:01.819644999Z")
        #expect(iso(date, 42) == "2014-01-14T17:04:01.819644999Z")
        #expect(iso(CivilDateTime(Timestamp(nanoseconds: -1)), 9) == "1969-12-31T23:59:59.999999999Z")
    }

    @Test func extremesConvertWithoutTrapping() {
        for seconds in [Int64.min, Int64.min + 1, Int64.max, Int64.max - 86_399] {
            let date = CivilDateTime(secondsSinceEpoch: seconds, nanosecond: Int.max)
            #expect(date.secondsSinceEpoch == seconds)
            #expect(date.nanosecond == 999_999_999)
        }
        #expect(iso(CivilDateTime(Timestamp(nanoseconds: .min))) == "1677-09-21T00:12:43.145Z")
        #expect(iso(CivilDateTime(Timestamp(nanoseconds: .max))) == "2262-04-11T23:47:16.854Z")
    }

    @Test func impossibleFieldsAreRejected() {
        #expect(CivilDateTime(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDateTime(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDateTime(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDateTime(year: 2024, month: 4, day: 31) == nil)
        #expect(CivilDateTime(year: 2024, month: 13, day: 1) == nil)
        #expect(CivilDateTime(year: 2024, month: 1, day: 0) == nil)
        #expect(CivilDateTime(year: 2024, month: 1, day: 1, hour: 24) == nil)
        #expect(CivilDateTime(year: 2024, month: 1, day: 1, nanosecond: 1_000_000_000) == nil)
        #expect(CivilDateTime(year: 10_000, month: 1, day: 1) == nil)
        #expect(CivilDateTime(year: -1, month: 1, day: 1) == nil)
        #expect(CivilDateTime(year: .max, month: 1, day: 1) == nil)
    }
}
