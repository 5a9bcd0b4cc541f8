import Foundation
import HarkCore
import HarkHAR
import Testing

struct HARDateTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_389_719_041_819, "2014-01-14T17:04:01.819Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),  // leap day of a year divisible by 400
        (951_868_799_999, "2000-02-29T23:59:59.999Z"),
        (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
        (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),  // 2100 is not a leap year
        (253_402_300_799_000, "9999-12-31T23:59:59.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
    ])
    func formatsKnownInstants(milliseconds: Int64, expected: String) {
        #expect(HARDateTime(millisecondsSinceEpoch: milliseconds).description == expected)
    }

    @Test func outOfRangeInstantsClampInsteadOfCrashing() {
        #expect(HARDateTime(millisecondsSinceEpoch: .max).description == "9999-12-31T23:59:59.999Z")
        #expect(HARDateTime(millisecondsSinceEpoch: .min).description == "0000-01-01T00:00:00.000Z")
    }

    @Test func timestampsRoundDownToTheMillisecond() {
        #expect(HARDateTime(Timestamp(nanoseconds: 1_389_719_041_819_999_999)).millisecondsSinceEpoch == 1_389_719_041_819)
        #expect(HARDateTime(Timestamp(nanoseconds: -1)).millisecondsSinceEpoch == -1)
        #expect(HARDateTime(Timestamp(nanoseconds: .min)).description == "1677-09-21T00:12:43.145Z")
        #expect(HARDateTime(Timestamp(nanoseconds: .max)).description == "2262-04-11T23:47:16.854Z")
    }

    @Test func calendarFieldsRoundTripEveryDayOfFourCenturies() throws {
        var previous: Int64?
        for year in [1600, 1700, 1899, 1900, 1969, 1970, 2000, 2023, 2024, 2100] {
            for month in 1...12 {
                for day in 1...31 {
                    guard let date = HARDateTime(year: year, month: month, day: day) else {
                        #expect(day > 28, "\(year)-\(month)-\(day) rejected")
                        continue
                    }
                    let text = date.description
                    let expected = String(format: "%04d-%02d-%02dT00:00:00.000Z", year, month, day)
                    #expect(text == expected)
                    if let previous, month > 1 || day > 1 { #expect(date.millisecondsSinceEpoch == previous + 86_400_000) }
                    previous = date.millisecondsSinceEpoch
                }
            }
        }
        #expect(HARDateTime(year: 2024, month: 2, day: 29) != nil)
        #expect(HARDateTime(year: 2023, month: 2, day: 29) == nil)
        #expect(HARDateTime(year: 1900, month: 2, day: 29) == nil)
        #expect(HARDateTime(year: 2000, month: 2, day: 29) != nil)
        #expect(HARDateTime(year: 2024, month: 4, day: 31) == nil)
        #expect(HARDateTime(year: 2024, month: 1, day: 1, hour: 24) == nil)
    }
}
