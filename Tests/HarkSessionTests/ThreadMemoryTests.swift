@testable import HarkSession
import Testing

/// A second analysing thread costs little memory (issue 16: hark stays under its bound with the default
/// thread count, one per core, as with one): what the workers hand to the session's thread for the
/// merge is held for a few rounds only, and must not cost more than the connections' state it replaces.
@Suite
struct ThreadMemoryTests {
    /// An event a worker holds for the merge is a few words, an exchange or record boxed, whatever case
    /// someone adds later (an event took the room of an exchange, 1,376 bytes with its call index).
    @Test func eventsHeldForTheMergeAreSmall() {
        #expect(MemoryLayout<(call: Int, event: AnalysisEvent)>.stride <= 32)
    }
}
