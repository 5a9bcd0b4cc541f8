import Foundation
import HarkCore
import HarkFormat
import HarkTestSupport
import Testing

struct JSONWriterTests {
    private func escaped(_ text: String) -> String {
        var output = JSONWriter(pretty: false, capacity: 64)
        output.string(text)
        return output.buffer.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test func escapesQuotesBackslashesAndNamedControls() {
        #expect(escaped("a\"b\\c/d") == #""a\"b\\c/d""#)
        #expect(escaped("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(escaped("\u{00}\u{01}\u{1F}\u{7F}") == #""\u0000\u0001\u001f\#u{7F}""#)
    }

    @Test func everyControlCharacterRoundTripsThroughFoundation() throws {
        let all = String(decoding: (0...0x7F).map { UInt8($0) }, as: UTF8.self)
        let json = "{\"k\":\(escaped(all))}"
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(parsed["k"] == all)
        for byte in json.utf8.dropFirst(6).dropLast(2) {
            #expect(byte >= 0x20, "raw control byte \(byte) in JSON string")
        }
    }

    @Test func escapingMatchesAByteByByteReferenceAtEveryAlignment() {
        for special: UInt8 in [0x00, 0x09, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F] {
            for position in 0..<20 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
                bytes[position] = special
                bytes[19 - position] = (0x1F &+ special) & 0x7F
                #expect(escapedBytes(bytes) == referenceEscaped(bytes), "byte \(special) at \(position)")
            }
        }
    }

    /// Dense and adjacent escapes, and the neighbours of the escaped values (where the word-at-a-time
    /// test's borrows could flag a byte that needs nothing), in every length up to five words.
    @Test func denseEscapesMatchTheReference() {
        let alphabet: [UInt8] = [0x00, 0x01, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x41, 0x5B, 0x5C, 0x5D, 0x7F]
        var generator = SplitMix64(seed: 0x6861_726B)
        for length in 0...40 {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                #expect(escapedBytes(bytes) == referenceEscaped(bytes), "\(bytes)")
            }
        }
    }

    private func escapedBytes(_ bytes: [UInt8]) -> String {
        var output = JSONWriter(pretty: false, capacity: 8)
        bytes.withUnsafeBufferPointer { output.appendEscaped($0) }
        return output.buffer.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Escapes ASCII `bytes` one at a time, mapping bytes to scalars one to one.
    private func referenceEscaped(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 0x22: text += "\\\""
            case 0x5C: text += "\\\\"
            case 0x08: text += "\\b"
            case 0x0C: text += "\\f"
            case 0x0A: text += "\\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            case 0..<0x20: text += "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            default: text.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return text
    }

    @Test func unicodePassesThroughUnescaped() throws {
        let text = "Zoë → 日本語 🎉 \u{2028}"
        #expect(escaped(text) == "\"\(text)\"")
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(escaped(text))]".utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func fixedPointDropsTrailingZerosAndKeepsThreeDecimals() {
        func fixed(_ value: Int64, _ decimals: Int) -> String {
            var output = JSONWriter(pretty: false, capacity: 16)
            output.fixed(value, decimals: decimals)
            return output.buffer.withBytes { String(decoding: $0, as: UTF8.self) }
        }
        #expect(fixed(12_500, 3) == "12.5")
        #expect(fixed(12_005, 3) == "12.005")
        #expect(fixed(12_000, 3) == "12")
        #expect(fixed(0, 3) == "0")
        #expect(fixed(-1000, 3) == "-1")
        #expect(fixed(-1, 3) == "-0.001")
        #expect(fixed(1_389_719_041_819_123, 6) == "1389719041.819123")
        #expect(fixed(.min, 3) == "-9223372036854775.808")
    }

    @Test func integersAndSpecialDoubles() {
        var output = JSONWriter(pretty: false, capacity: 64)
        output.beginArray()
        output.integer(0)
        output.integer(-1)
        output.integer(Int64.max)
        output.integer(Int64.min)
        output.double(.nan)
        output.double(-.infinity)
        output.double(0.25)
        output.endArray()
        #expect(
            output.buffer.withBytes { String(decoding: $0, as: UTF8.self) }
                == "[0,-1,9223372036854775807,-9223372036854775808,null,null,0.25]"
        )
    }

    @Test func prettyLayoutIndentsAndKeepsEmptyContainersOnOneLine() {
        var output = JSONWriter(pretty: true, capacity: 64)
        output.beginObject()
        output.key("a")
        output.beginArray()
        output.endArray()
        output.key("b")
        output.beginArray()
        output.integer(1)
        output.beginObject()
        output.endObject()
        output.endArray()
        output.endObject()
        #expect(output.buffer.withBytes { String(decoding: $0, as: UTF8.self) } == "{\n  \"a\": [],\n  \"b\": [\n    1,\n    {}\n  ]\n}")
    }

    @Test func keysFromDataAreEscapedAndPiecewiseKeysAreClosed() {
        var output = JSONWriter(pretty: false, capacity: 16)
        output.beginObject()
        output.key(text: "a\"b")
        output.integer(1)
        output.beginKey()
        output.appendEscaped("c")
        output.appendEscaped("\n")
        output.endKey()
        output.beginString()
        output.appendEscaped("x\ty")
        output.endString()
        output.endObject()
        #expect(output.buffer.text == #"{"a\"b":1,"c\n":"x\ty"}"#)
    }

    @Test(arguments: [
        (Int64(0), "0"),
        (82_326_100_000, "82326.1"),  // the duration_ms of a 82.3261 s connection
        (72_356_000, "72.356"),
        (1_499, "0.001"),
        (1_500, "0.002"),  // half a microsecond rounds away from zero
        (-1_500, "-0.002"),
        (-499, "0"),  // never "-0"
        (Int64.max, "9223372036854.776"),
        (Int64.min, "-9223372036854.776"),
    ])
    func millisecondsAreRoundedToWholeMicroseconds(nanoseconds: Int64, expected: String) {
        var output = JSONWriter(pretty: false, capacity: 16)
        output.milliseconds(TimeSpan(nanoseconds: nanoseconds))
        #expect(output.buffer.text == expected)
    }

    @Test func datesAreQuotedISO8601() {
        var output = JSONWriter(pretty: false, capacity: 16)
        output.beginArray()
        output.iso8601(CivilDateTime(Timestamp(nanoseconds: 1_389_719_041_819_644_123)), fractionDigits: 6)
        output.iso8601(CivilDateTime(secondsSinceEpoch: 0), fractionDigits: 0)
        output.endArray()
        #expect(output.buffer.text == #"["2014-01-14T17:04:01.819644Z","1970-01-01T00:00:00Z"]"#)
    }

    @Test func valuesAtTheTopLevelAreNotSeparated() {
        var output = JSONWriter(pretty: false, capacity: 16)
        output.beginObject()
        output.endObject()
        output.buffer.append(UInt8(ascii: "\n"))
        output.beginObject()
        output.key("k")
        output.bool(false)
        output.endObject()
        #expect(output.buffer.text == "{}\n{\"k\":false}")
    }
}
