import HarkCore
import NIOCore
import Testing

@testable import HarkTLS

/// Frames the single record in `bytes`.
private func record(_ bytes: [UInt8]) throws -> TLSRecord {
    var framer = RecordFramer(maxRecordLength: 18_432)
    framer.begin(ByteBuffer(bytes: bytes))
    guard case .record(let record) = framer.next() else {
        Issue.record("not one record")
        throw CancellationError()
    }
    return record
}

private let aes128 = TLSCipherSuite.tlsAES128GCMSHA256.parameters

@Test func decryptsTheRFC8448ServerHandshakeFlight() throws {
    let parameters = try #require(aes128)
    var decryptor = RecordDecryptor(tls13: parameters, secret: RFC8448.serverHandshakeTrafficSecret)
    var scratch = ByteBuffer()
    let (type, content) = try #require(
        decryptor.open(try record(RFC8448.serverHandshakeProtectedRecord), into: &scratch))
    #expect(type == .handshake)
    #expect(Array(content.readableBytesView) == RFC8448.serverHandshakePayload)
}

@Test func decryptsTheRFC8448ServerApplicationRecordsInSequence() throws {
    let parameters = try #require(aes128)
    var decryptor = RecordDecryptor(tls13: parameters, secret: RFC8448.serverTrafficSecret0)
    var scratch = ByteBuffer()
    // Sequence 0 is the NewSessionTicket, 1 the application data, 2 the close_notify alert.
    let ticket = try #require(decryptor.open(try record(RFC8448.newSessionTicketRecord), into: &scratch))
    #expect(ticket.0 == .handshake && Array(ticket.1.readableBytesView) == RFC8448.newSessionTicketPayload)
    let data = try #require(decryptor.open(try record(RFC8448.serverApplicationDataRecord), into: &scratch))
    #expect(data.0 == .applicationData && Array(data.1.readableBytesView) == RFC8448.applicationDataPayload)
    let alert = try #require(decryptor.open(try record(RFC8448.serverAlertRecord), into: &scratch))
    #expect(alert.0 == .alert && Array(alert.1.readableBytesView) == [1, 0])
}

@Test func decryptsTheRFC8448ClientRecords() throws {
    let parameters = try #require(aes128)
    var scratch = ByteBuffer()
    var handshake = RecordDecryptor(tls13: parameters, secret: RFC8448.clientHandshakeTrafficSecret)
    let finished = try #require(handshake.open(try record(RFC8448.clientFinishedRecord), into: &scratch))
    #expect(finished.0 == .handshake && Array(finished.1.readableBytesView) == RFC8448.clientFinishedPayload)
    var application = RecordDecryptor(tls13: parameters, secret: RFC8448.clientTrafficSecret0)
    let data = try #require(application.open(try record(RFC8448.clientApplicationDataRecord), into: &scratch))
    #expect(Array(data.1.readableBytesView) == RFC8448.applicationDataPayload)
    let alert = try #require(application.open(try record(RFC8448.clientAlertRecord), into: &scratch))
    #expect(alert.0 == .alert && Array(alert.1.readableBytesView) == [1, 0])
}

@Test func wrongSequenceNumberOrKeyFailsAuthentication() throws {
    let parameters = try #require(aes128)
    var scratch = ByteBuffer()
    // The application data record is sequence 1; opened as sequence 0 its nonce is wrong.
    var decryptor = RecordDecryptor(tls13: parameters, secret: RFC8448.serverTrafficSecret0)
    #expect(decryptor.open(try record(RFC8448.serverApplicationDataRecord), into: &scratch) == nil)
    var wrongKey = RecordDecryptor(tls13: parameters, secret: RFC8448.clientTrafficSecret0)
    #expect(wrongKey.open(try record(RFC8448.newSessionTicketRecord), into: &scratch) == nil)
    var flipped = RFC8448.newSessionTicketRecord
    flipped[40] ^= 1
    var right = RecordDecryptor(tls13: parameters, secret: RFC8448.serverTrafficSecret0)
    #expect(right.open(try record(flipped), into: &scratch) == nil)
    #expect(right.sequence == 0)
}
