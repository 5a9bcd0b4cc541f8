import Foundation
import HarkCore
import HarkModel
import HarkStore
import NIOCore
import Testing

@testable import HarkTUI

/// Capture text never reaches the terminal raw: control characters (escape sequences, C1, bidi
/// overrides) show as escapes, and long lines are cut at the screen's edge.
@Suite struct TUISafetyTests {
    static let hostile = "evil\u{1B}]52;c;AAAA\u{07}\u{1B}[2J\r\n\u{9B}31m\u{202E}gnp.exe" + String(repeating: "x", count: 5000)

    private func hostileModel() -> TUIModel {
        let store = LiveStore()
        var observer = StoreObserver(store: store)
        let time = Timestamp(nanoseconds: 1_700_000_000_000_000_000)
        let endpoint = Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 80)
        let client = Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
        let request = HTTPRequestRecord(
            method: .get, target: "/" + Self.hostile, scheme: "http", authority: "host\u{1B}[1m", version: "HTTP/1.1",
            headers: HTTPFields([.init(name: "X-Evil", value: Self.hostile)]), headSize: nil,
            body: HTTPMessageBody(), firstByte: time, lastByte: time
        )
        let body = ByteBuffer(string: Self.hostile + "\n" + Self.hostile)
        let response = HTTPResponseRecord(
            status: .ok, reason: "OK\u{1B}[5m", version: "HTTP/1.1", headers: HTTPFields([.init(name: "content-type", value: "text/plain\u{1B}c")]),
            headSize: nil, body: HTTPMessageBody(bytes: BodyStorage(body), length: body.readableBytes), firstByte: time, lastByte: time
        )
        observer.exchange(Exchange(
            id: 0, connection: ConnectionContext(id: 0, client: client, server: endpoint), applicationProtocol: .http1,
            indexOnConnection: 0, request: request, response: response
        ))
        store.finish()
        let model = TUIModel(store: store, sourceName: "hostile\u{1B}[31m.pcap", color: true)
        model.settle()
        return model
    }

    /// Only hark's own sequences: cursor moves, SGR, clearing; nothing from the capture.
    private func expectOnlyOwnSequences(_ output: String) {
        let own = try! Regex(#"\x1B\[(\d+;\d+H|[0-9;]*m|2J)"#)
        let stripped = output.replacing(own, with: "")
        #expect(!stripped.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E })
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func everyScreenIsSafe(width: Int, height: Int) {
        let model = hostileModel()
        var shown: ScreenGrid?
        for keys: [Key] in [[], [.enter], [.character("3")], [.character("2")], [.character("5")], [.character("q"), .character("?")]] {
            for key in keys { model.handle(key) }
            model.settle()
            let frame = model.render(width: width, height: height)
            for line in frame.lines {
                #expect(line.count <= width)
                #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
            }
            expectOnlyOwnSequences(ScreenDiff.output(from: shown, to: frame, color: true))
            shown = frame
        }
    }

    @Test func escapesAreShownVisibly() {
        var grid = ScreenGrid(width: 40, height: 1)
        grid.put("a\u{1B}[2Jb\u{9B}\u{202E}c\td", x: 0, y: 0)
        #expect(grid.lines[0].hasPrefix("a\\x1B[2Jb\\x9B\\u{202E}c  d"))
    }

    @Test func wideCharactersTakeTwoColumnsAndNeverOverflow() {
        var grid = ScreenGrid(width: 5, height: 1)
        let end = grid.put("日本語", x: 0, y: 0)
        #expect(end == 4)
        #expect(grid.lines[0] == "日本 ")
        let output = ScreenDiff.output(from: nil, to: grid, color: false)
        #expect(output.contains("日本"))
    }
}
