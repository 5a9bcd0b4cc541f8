import HarkText
import Testing

struct ColorChoiceTests {
    @Test func autoColoursOnlyATerminalWithoutNoColor() {
        #expect(ColorChoice.auto.usesColor(isTerminal: true, noColor: nil))
        #expect(ColorChoice.auto.usesColor(isTerminal: true, noColor: ""))
        #expect(!ColorChoice.auto.usesColor(isTerminal: true, noColor: "1"))
        #expect(!ColorChoice.auto.usesColor(isTerminal: false, noColor: nil))
    }

    @Test func explicitChoicesWin() {
        #expect(ColorChoice.always.usesColor(isTerminal: false, noColor: "1"))
        #expect(!ColorChoice.never.usesColor(isTerminal: true, noColor: nil))
    }
}
