import Foundation
import HarkFormat
import Testing

struct LineWriterTests {
    /// Records each chunk; fails every write once `failAfter` chunks went through.
    final class RecordingSink: OutputSink {
        struct Failure: Error {}
        var chunks: [[UInt8]] = []
        var failAfter = Int.max

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard chunks.count < failAfter else { throw Failure() }
            chunks.append(Array(bytes))
        }

        var text: String { String(decoding: chunks.joined(), as: UTF8.self) }
    }

    private func writeConnection(_ output: LineWriter, id: Int, note: String) {
        output.writeJSONObject { json in
            json.key("type")
            json.string("connection")
            json.key("id")
            json.integer(id)
            json.key("note")
            json.string(note)
            json.key("nested")
            json.beginObject()
            json.key("ok")
            json.bool(true)
            json.endObject()
        }
    }

    @Test func oneCompactObjectPerLineInKeyOrder() throws {
        let sink = MemorySink()
        let output = LineWriter(sink: sink)
        writeConnection(output, id: 0, note: "line\nbreak \"quoted\"")
        output.writeLine("plain text")
        writeConnection(output, id: 1, note: "Zoë")
        #expect(sink.bytes.isEmpty)  // buffered until flushed
        output.flush()
        let lines = String(decoding: sink.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines == [
            #"{"type":"connection","id":0,"note":"line\nbreak \"quoted\"","nested":{"ok":true}}"#,
            "plain text",
            #"{"type":"connection","id":1,"note":"Zoë","nested":{"ok":true}}"#,
            "",
        ])
        let parsed = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(parsed?["note"] as? String == "line\nbreak \"quoted\"")
    }

    @Test func followingFlushesEveryLine() {
        let sink = RecordingSink()
        let output = LineWriter(sink: sink, flushEachLine: true)
        writeConnection(output, id: 0, note: "a")
        output.writeLine("b")
        #expect(sink.chunks.count == 2)
        #expect(sink.text == #"{"type":"connection","id":0,"note":"a","nested":{"ok":true}}"# + "\nb\n")
    }

    @Test func batchesGoOutInOneWriteEach() {
        let sink = RecordingSink()
        let output = LineWriter(sink: sink, flushEachBatch: true)
        writeConnection(output, id: 0, note: "a")
        output.writeLine("b")
        #expect(sink.chunks.isEmpty)
        output.endBatch()
        output.endBatch()  // nothing new: no empty write
        output.writeLine("c")
        output.endBatch()
        #expect(sink.chunks.count == 2)
        #expect(sink.text == #"{"type":"connection","id":0,"note":"a","nested":{"ok":true}}"# + "\nb\nc\n")
        // Without the option, the end of a batch leaves the lines to the chunking.
        let chunked = RecordingSink()
        let other = LineWriter(sink: chunked)
        other.writeLine("d")
        other.endBatch()
        #expect(chunked.chunks.isEmpty)
    }

    @Test func otherwiseWritesLargeChunks() {
        let sink = RecordingSink()
        let output = LineWriter(sink: sink, flushThreshold: 4096)
        for id in 0..<1000 { writeConnection(output, id: id, note: "x") }
        output.flush()
        #expect(sink.chunks.count < 20)
        #expect(sink.chunks.dropLast().allSatisfy { $0.count >= 4096 && $0.count < 4096 + 100 })
        #expect(sink.text.split(separator: "\n").count == 1000)
    }

    @Test func theFirstFailureEndsTheOutputAndIsKept() {
        let sink = RecordingSink()
        sink.failAfter = 1
        let output = LineWriter(sink: sink, flushEachLine: true)
        output.writeLine("first")
        output.writeLine("second")
        #expect(output.error is RecordingSink.Failure)
        sink.failAfter = .max
        output.writeLine("third")
        writeConnection(output, id: 0, note: "dropped")
        output.flush()
        #expect(sink.text == "first\n")
    }

    @Test func remainingLinesAreWrittenWhenTheWriterGoesAway() {
        let sink = MemorySink()
        do {
            let output = LineWriter(sink: sink)
            output.writeLine("last words")
        }
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "last words\n")
    }
}
