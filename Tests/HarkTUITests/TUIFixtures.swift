import Foundation
import HarkCapture
import HarkSession
import HarkStore
import HarkTestSupport
import Testing

@testable import HarkTUI

/// A model over a capture read to its end (the session ran first, synchronously).
func makeModel(_ capture: URL, keyLog: URL? = nil, color: Bool = false) throws -> TUIModel {
    let store = LiveStore()
    var observer = StoreObserver(store: store)
    var configuration = SessionConfiguration()
    if let keyLog { configuration.keyLogPaths = [keyLog.path] }
    _ = CaptureSession(reader: try CaptureReader(path: capture.path), configuration: configuration).run(observer: &observer)
    store.finish()
    let model = TUIModel(store: store, sourceName: capture.lastPathComponent, color: color)
    model.settle()
    return model
}

/// Presses keys: characters as typed, plus named keys.
func press(_ model: TUIModel, _ keys: Key...) {
    for key in keys { model.handle(key) }
    model.settle()
}

/// Types text, one character at a time.
func type(_ model: TUIModel, _ text: String) {
    for character in text { model.handle(.character(character)) }
    model.settle()
}

/// Compares a frame with its golden file in `Golden/` (trailing blanks trimmed). Run the tests with
/// `HARK_UPDATE_GOLDEN=1` to write the files after a deliberate change, then review the diff.
func expectGolden(_ grid: ScreenGrid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let text = grid.lines.map { line in
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }.joined(separator: "\n") + "\n"
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).txt")
    if ProcessInfo.processInfo.environment["HARK_UPDATE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(text == expected, "screen \(name) differs from Golden/\(name).txt:\n\(text)", sourceLocation: sourceLocation)
}
