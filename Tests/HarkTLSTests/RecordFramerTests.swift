import NIOCore
import Testing

@testable import HarkTLS

/// Frames `deliveries` in order and returns each record's (type, fragment bytes, offset).
private func frame(_ deliveries: [[UInt8]], maxRecordLength: Int = 18_432) -> (
    records: [(UInt8, [UInt8], Int64)], last: RecordFramer.Step?
) {
    var framer = RecordFramer(maxRecordLength: maxRecordLength)
    var records: [(UInt8, [UInt8], Int64)] = []
    var last: RecordFramer.Step?
    for delivery in deliveries {
        framer.begin(ByteBuffer(bytes: delivery))
        loop: while true {
            let step = framer.next()
            switch step {
            case .record(let record):
                records.append((record.type.rawValue, Array(record.fragment.readableBytesView), record.offset))
            case .needMore: break loop
            case .malformed, .sslv2ClientHello:
                last = step
                break loop
            }
        }
        framer.end()
    }
    return (records, last)
}

private let first = plainRecords(22, [1, 2, 3])
private let second = plainRecords(23, [UInt8](repeating: 9, count: 300))

@Test func framesManyRecordsInOneDeliveryAndOneRecordOverManyDeliveries() {
    let together = frame([first + second])
    #expect(together.records.map(\.0) == [22, 23])
    #expect(together.records.map(\.2) == [0, 8])
    let bytes = first + second
    let apart = frame(bytes.map { [$0] })
    #expect(apart.records.map(\.1) == together.records.map(\.1))
    #expect(apart.records.map(\.2) == [0, 8])
    let uneven = frame([Array(bytes[0..<3]), Array(bytes[3..<10]), Array(bytes[10...])])
    #expect(uneven.records.map(\.1) == together.records.map(\.1))
}

@Test func rejectsHeadersThatAreNotTLSOrTooLong() {
    if case .malformed(.notARecord, let offset) = frame([first + [0x47, 0x45, 0x54, 0x20, 0x2F]]).last {
        #expect(offset == 8)
    } else {
        Issue.record("expected notARecord")
    }
    if case .malformed(.recordTooLarge(let length), _) = frame([[0x17, 0x03, 0x03, 0x01, 0x01]], maxRecordLength: 256)
        .last
    {
        #expect(length == 257)
    } else {
        Issue.record("expected recordTooLarge")
    }
    // A record header with a version whose major byte is not 3.
    #expect(frame([[0x16, 0x02, 0x00, 0x00, 0x01, 0x00]]).records.isEmpty)
}

@Test func dropsARecordDamagedByAGapAndSkipsItsRest() {
    var framer = RecordFramer(maxRecordLength: 18_432)
    framer.begin(ByteBuffer(bytes: second.prefix(100)))
    if case .needMore = framer.next() {} else { Issue.record("expected needMore") }
    framer.end()
    #expect(framer.carriedRecordType == .applicationData && framer.carriedRecordLength == 300)
    // 305 bytes in all: 100 held, a 50-byte gap, so 155 are still to skip.
    #expect(framer.dropCarriedRecord(gap: 50) == 155)
    #expect(framer.carriedBytes == 0 && framer.offset == 305)
    #expect(framer.dropCarriedRecord(gap: 1) == nil)
}
