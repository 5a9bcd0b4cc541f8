import Foundation
import HarkCore
import HarkFilter
import HarkModel
import HarkStore
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkTUI

/// Key sequences driven through the model, checked the way a user would: what is selected, what the
/// screen says, what the files written hold.
@Suite struct TUIKeyTests {
    let capture = Fixtures.corpus("http1-browse-bro-org.pcap")

    @Test func navigating() throws {
        let model = try makeModel(capture)
        let total = model.visible.count
        #expect(total > 20)
        press(model, .character("j"), .character("j"), .down)
        #expect(model.selected == 3)
        press(model, .character("k"))
        #expect(model.selected == 2)
        press(model, .character("G"))
        #expect(model.selectedID == model.visible.last)
        press(model, .character("g"))
        #expect(model.selected == 0)
        _ = model.render(width: 80, height: 24)
        press(model, .pageDown)
        #expect(model.selected == model.pageHeight)
        press(model, .character("F"))
        #expect(model.follow && model.selected == total - 1)
        press(model, .character("k"))
        #expect(!model.follow, "moving away from the newest row leaves follow mode")
    }

    @Test func filterWithAnErrorAtItsColumn() throws {
        let model = try makeModel(capture)
        press(model, .character("/"))
        type(model, "status>=4OO")
        let error = try #require(model.draftError)
        #expect(error.column == 9)
        let screen = model.render(width: 80, height: 24).lines
        #expect(screen[22].hasPrefix("filter: status>=4OO"))
        // The caret line puts ^^^ under the columns of "4OO" (8 for "filter: ", then column 9).
        #expect(screen[23].hasPrefix(String(repeating: " ", count: 16) + "^^^ column 9: expected a number"))
        press(model, .backspace, .backspace)
        type(model, "00")
        #expect(model.draftError == nil)
        press(model, .control("u"))
        type(model, "path=/css/* and status=200")
        press(model, .enter)
        #expect(!model.isEditingFilter)
        let rows = model.visible.compactMap { id in model.rows.position(of: id).flatMap { model.rows[$0] } }
        var expected: [Int] = []
        model.rows.forEach { row in
            if row.path.hasPrefix("/css/"), row.status?.rawValue == 200 { expected.append(row.id) }
        }
        #expect(!expected.isEmpty)
        #expect(rows.map(\.id) == expected)
        #expect(model.render(width: 80, height: 24).lines[22].hasPrefix("filter: path=/css/* and status=200"))
        press(model, .character("c"))
        #expect(model.visible.count == model.rows.count)
    }

    @Test func escapeWhileEditingPutsThePreviousFilterBack() throws {
        let model = try makeModel(capture)
        press(model, .character("/"))
        type(model, "status=200")
        press(model, .enter)
        let applied = model.visible
        #expect(model.filterText == "status=200" && !applied.isEmpty)
        press(model, .character("/"), .control("u"))
        type(model, "path=/css/*")
        #expect(model.filterText == "path=/css/*", "a valid draft applies as it is typed")
        #expect(model.visible != applied)
        press(model, .escape)
        #expect(!model.isEditingFilter)
        #expect(model.filterText == "status=200")
        #expect(model.visible == applied, "the list of the previous filter is back")
        let screen = model.render(width: 80, height: 24).lines
        #expect(screen[22].hasPrefix("filter: status=200"), "\(screen[22])")
        #expect(screen[23].contains("filter edit cancelled"), "\(screen[23])")

        // Cancelling a draft with an error: no error left, the filter unchanged.
        press(model, .character("/"))
        type(model, " and status>=4OO")
        #expect(model.draftError != nil)
        press(model, .escape)
        #expect(model.draftError == nil && model.filterText == "status=200" && model.visible == applied)
    }

    @Test func openingABodyAndSearchingIt() throws {
        let model = try makeModel(capture)
        // The first exchange is the page itself: HTML.
        press(model, .enter, .character("3"))
        #expect(model.screen == .detail && model.tab == .response)
        let text = model.detailLines.map(\.text).joined(separator: "\n")
        #expect(text.contains("<html") || text.contains("<!DOCTYPE") || text.contains("<!doctype"))
        press(model, .character("/"))
        type(model, "</html>")
        press(model, .enter)
        #expect(model.detailLines[model.detailScroll].text.lowercased().contains("</html>"))
        press(model, .character("q"))
        #expect(model.screen == .list)
    }

    @Test func exportedHARValidates() throws {
        guard HARValidator.isAvailable else {
            Issue.record("python3 with jsonschema is needed to validate the HAR (.ci/run installs it)")
            return
        }
        let model = try makeModel(capture)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hark-tui-\(UUID().uuidString).har").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        press(model, .character("m"), .character("m"), .character("e"))
        let prompt = try #require(model.prompt)
        #expect(prompt.label.contains("2 marked"))
        press(model, .control("u"))
        type(model, path)
        press(model, .enter)
        #expect(model.message?.hasPrefix("exported 2 exchanges") == true)
        let document = try Fixtures.bytes(URL(fileURLWithPath: path))
        let result = try HARValidator.validate(document)
        #expect(result.status == 0, "\(result.errors)")
        let json = try JSONSerialization.jsonObject(with: Data(document)) as? [String: Any]
        let entries = (json?["log"] as? [String: Any])?["entries"] as? [[String: Any]]
        #expect(entries?.count == 2)
    }

    @Test func savingABodyAndCopyingCurl() throws {
        let model = try makeModel(capture)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hark-tui-\(UUID().uuidString).body").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        press(model, .character("w"), .control("u"))
        type(model, path)
        press(model, .enter)
        let saved = try Fixtures.bytes(URL(fileURLWithPath: path))
        let selected = try #require(model.selectedID)
        let exchange = try #require(model.store.exchange(id: selected))
        let response = try #require(exchange.response)
        #expect(saved == Array(try response.body.content.readAll().readableBytesView))
        press(model, .character("y"))
        let osc = try #require(model.terminalOutput.last)
        #expect(osc.hasPrefix("\u{1B}]52;c;") && osc.hasSuffix("\u{07}"))
        let encoded = String(osc.dropFirst(7).dropLast())
        let command = String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
        #expect(command.hasPrefix("curl 'http://bro.org/'"))
        #expect(model.message?.contains(command) == true)
    }
}
