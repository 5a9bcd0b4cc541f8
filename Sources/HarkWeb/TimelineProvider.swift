/// What a `WebServer` serves, as JSON documents (see `Tests/Schemas/hark-timeline.schema.json`). Called
/// on the server's worker thread, never on its event loop, so an answer may take a while.
public protocol TimelineProvider: Sendable {
    /// The whole timeline now (`/api/timeline`).
    func timeline() -> [UInt8]
    /// One exchange whole (`/api/exchanges/ID`); nil when it is unknown or no longer kept.
    func exchange(id: Int) -> [UInt8]?
    /// The exchanges and connections a filter expression matches, or its error (`/api/filter?q=`).
    func filter(_ expression: String) -> [UInt8]
    /// What changed after `version` (`/api/updates`); nil when nothing did.
    func changes(since version: UInt64) -> TimelineChanges?
}

/// One live update: the JSON sent as a server-sent event, and the version to continue from.
public struct TimelineChanges: Sendable {
    /// The store version this update brings the page to.
    public var version: UInt64
    /// The update document.
    public var json: [UInt8]
    /// Whether the capture has ended: no update will follow.
    public var isFinal: Bool

    public init(version: UInt64, json: [UInt8], isFinal: Bool) {
        self.version = version
        self.json = json
        self.isFinal = isFinal
    }
}
