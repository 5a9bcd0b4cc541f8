import Foundation
import HarkCapture
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

/// Every corpus capture read end to end and checked against capinfos (`*.stats.txt`, times in UTC).
struct CaptureReaderCorpusTests {
    @Test(arguments: Fixtures.corpusCaptures)
    func agreesWithCapinfos(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let stats = try Statistics(Fixtures.corpus(url.deletingPathExtension().lastPathComponent + ".stats.txt"))
        let reader = try CaptureReader(path: url.path)
        let result = ReadResult(reader)

        #expect(result.diagnostics.isEmpty)
        #expect(result.frames.map(\.number) == Array(0..<stats.packets).map { $0 + 1 })
        #expect(result.secrets.count == stats.decryptionSecrets)
        #expect(reader.bytesRead == Int64(try Fixtures.bytes(url).count))

        let times = result.frames.map(\.timestamp)
        let saturated = Timestamp(nanoseconds: .max)
        if stats.firstTime == saturated || stats.lastTime == saturated {
            // capinfos shows a time past 2262, beyond Timestamp's range: the reader saturates it.
            #expect(times.max() == saturated)
        } else {
            #expect(times.min() == stats.firstTime)
            #expect(times.max() == stats.lastTime)
        }
    }

    @Test func surfacesTheEmbeddedTLSKeyLog() throws {
        let capture = Fixtures.corpus("h2-tls13-youtube-dsb.pcapng")
        let result = ReadResult(try CaptureReader(path: capture.path))
        let secrets = try #require(result.secrets.first)
        #expect(secrets.type == .tlsKeyLog)
        let keyLog = try Fixtures.bytes(Fixtures.corpus("h2-tls13-youtube-dsb.keys"))
        #expect(Array(secrets.data.readableBytesView) == keyLog)
    }

    @Test func readsEachInterfaceWithItsOwnLinkType() throws {
        let capture = Fixtures.corpus("link-pcapng-multi-interface-eth-sll.pcapng")
        let frames = ReadResult(try CaptureReader(path: capture.path)).frames
        #expect(frames.filter { $0.interfaceIndex == 0 }.allSatisfy { $0.linkType == .ethernet })
        #expect(frames.filter { $0.interfaceIndex == 1 }.allSatisfy { $0.linkType == .linuxSLL })
        #expect(frames.filter { $0.interfaceIndex == 0 }.count == 59)
        #expect(frames.filter { $0.interfaceIndex == 1 }.count == 100)
        // tshark: frame 1 at 1422527998.578402281 (nanosecond interface).
        #expect(frames.first?.timestamp.nanoseconds == 1_422_527_998_578_402_281)
    }

    /// The capinfos figures a test compares with.
    private struct Statistics {
        var packets: Int
        var firstTime: Timestamp
        var lastTime: Timestamp
        var decryptionSecrets: Int

        init(_ url: URL) throws {
            var fields: [String: String] = [:]
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                fields[key] = fields[key] ?? line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            packets = try #require(fields["Number of packets"].flatMap { Int($0) })
            firstTime = try #require(fields["First packet time"].flatMap(Self.parseTime))
            lastTime = try #require(fields["Last packet time"].flatMap(Self.parseTime))
            decryptionSecrets = fields["Number of decryption secrets in file"].flatMap { Int($0) } ?? 0
        }

        /// `2023-09-22 14:31:33.408216` in UTC (years may have more than four digits).
        private static func parseTime(_ text: String) -> Timestamp? {
            let parts = text.split(whereSeparator: { "- :.".contains($0) })
            guard parts.count == 7, let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
                let hour = Int64(parts[3]), let minute = Int64(parts[4]), let second = Int64(parts[5]),
                let fraction = Int64(parts[6])
            else { return nil }
            let days = daysSinceEpoch(year: year, month: month, day: day)
            let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
            var unitsPerSecond: Int64 = 1
            for _ in 0..<parts[6].count { unitsPerSecond *= 10 }
            return Timestamp(seconds: seconds, fraction: fraction, unitsPerSecond: unitsPerSecond)
        }

        /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
        private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }
    }
}
