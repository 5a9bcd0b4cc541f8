import HarkCore
import HarkHTTP2
import NIOCore
import Testing

/// A gRPC length-prefixed message.
private func message(_ payload: [UInt8], compressed: Bool = false) -> [UInt8] {
    [compressed ? 1 : 0] + be32(UInt32(payload.count)) + payload
}

private let call: [(String, String)] = [
    (":method", "POST"), (":scheme", "http"), (":authority", "svc"), (":path", "/pkg.Greeter/SayHello"),
    ("content-type", "application/grpc"), ("grpc-encoding", "gzip"),
]

@Test func grpcMessagesAreSplitDecompressedAndStatusRead() throws {
    var client = Encoder()
    var server = Encoder()
    let hello: [UInt8] = [0x0a, 0x05] + Array("world".utf8)  // field 1, length-delimited "world"
    let body = message(hello) + message(try gzip(hello), compressed: true)
    let script: [Step] = [
        .client(preface + frame(.headers, .endHeaders, stream: 1, client.block(call))
            + frame(.data, [], stream: 1, Array(body.prefix(9)))
            + frame(.data, .endStream, stream: 1, Array(body.dropFirst(9)))),
        .server(frame(.headers, .endHeaders, stream: 1, server.block([(":status", "200"), ("content-type", "application/grpc")]))
            + frame(.data, [], stream: 1, message([0x08, 0x96, 0x01]))
            + frame(.headers, [.endHeaders, .endStream], stream: 1,
                server.block([("grpc-status", "0"), ("grpc-message", "all%20good")]))),
    ]
    let grpc = try #require(runAllWays(script).exchanges.first?.grpc)
    #expect(grpc.service == "pkg.Greeter" && grpc.method == "SayHello")
    #expect(grpc.requestMessages.count == 2 && grpc.requestMessageCount == 2)
    #expect(grpc.requestMessages.map(\.isCompressed) == [false, true])
    #expect(grpc.requestMessages.allSatisfy { Array($0.payload.readableBytesView) == hello })
    #expect(grpc.requestMessages.first?.protobufFields?.first?.value == .bytes(ByteBuffer(string: "world"), nested: nil))
    #expect(grpc.responseMessages.first?.protobufFields == [.init(number: 1, wireType: .varint, value: .varint(150))])
    #expect(grpc.status == 0 && grpc.statusMessage == "all good" && !grpc.isTrailersOnly && !grpc.hasIncompleteMessages)
}

@Test func aTrailersOnlyResponseCarriesTheStatus() throws {
    var client = Encoder()
    var server = Encoder()
    let script: [Step] = [
        .client(preface + frame(.headers, .endHeaders, stream: 1, client.block(call))
            + frame(.data, .endStream, stream: 1, message([]) + [0, 0])),
        .server(frame(.headers, [.endHeaders, .endStream], stream: 1, server.block([
            (":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "5"), ("grpc-message", "not found"),
        ]))),
    ]
    let grpc = try #require(runAllWays(script).exchanges.first?.grpc)
    #expect(grpc.isTrailersOnly && grpc.status == 5 && grpc.statusMessage == "not found")
    #expect(grpc.requestMessageCount == 1 && grpc.hasIncompleteMessages)
}
