public import HarkCore

/// The root of a HAR document (HAR 1.2 `log`): who wrote it, the pages, the entries.
///
/// `HARWriter` writes it in a streaming fashion: the header fields and any `entries` held here first,
/// then entries one at a time as they are produced.
///
/// ### Example
///
/// ```swift
/// let log = HARLog(creator: HARCreator(name: "hark", version: "0.1"))
/// let json = try HARWriter.document(log, configuration: .init(pretty: true))
/// ```
public struct HARLog: Hashable, Sendable {
    /// The format version HarkHAR writes.
    public static let version = "1.2"

    /// The application that wrote the log.
    public var creator: HARCreator
    /// The browser that made the requests, when known (a packet capture rarely knows it).
    public var browser: HARCreator?
    /// Pages that group entries. HAR 1.2 allows leaving the array out; HarkHAR always writes it, empty
    /// when entries are not grouped, because several importers expect it.
    public var pages: [HARPage]
    /// Entries to write with the log header; streamed entries follow them.
    public var entries: [HAREntry]
    /// A comment from the user or the application.
    public var comment: String?

    public init(
        creator: HARCreator,
        browser: HARCreator? = nil,
        pages: [HARPage] = [],
        entries: [HAREntry] = [],
        comment: String? = nil
    ) {
        self.creator = creator
        self.browser = browser
        self.pages = pages
        self.entries = entries
        self.comment = comment
    }
}

/// The name and version of an application (HAR 1.2 `creator` and `browser`, which share this shape).
public struct HARCreator: Hashable, Sendable {
    /// The application's name.
    public var name: String
    /// The application's version.
    public var version: String
    /// A comment from the user or the application.
    public var comment: String?

    public init(name: String, version: String, comment: String? = nil) {
        self.name = name
        self.version = version
        self.comment = comment
    }
}

/// A page that groups entries (HAR 1.2 `pages[]`); entries refer to it by `id` in `pageref`.
public struct HARPage: Hashable, Sendable {
    /// When the page load started.
    public var startedDateTime: Timestamp
    /// Unique within the log; entries' `pageref` values point here.
    public var id: String
    /// The page title.
    public var title: String
    /// Page event timings.
    public var pageTimings: HARPageTimings
    /// A comment from the user or the application.
    public var comment: String?

    public init(
        startedDateTime: Timestamp,
        id: String,
        title: String,
        pageTimings: HARPageTimings = HARPageTimings(),
        comment: String? = nil
    ) {
        self.startedDateTime = startedDateTime
        self.id = id
        self.title = title
        self.pageTimings = pageTimings
        self.comment = comment
    }
}

/// Page event times in milliseconds since `HARPage.startedDateTime`, -1 when unknown
/// (HAR 1.2 `pageTimings`).
public struct HARPageTimings: Hashable, Sendable {
    /// When the content was loaded (`DOMContentLoaded`), or -1.
    public var onContentLoad: Double
    /// When the `load` event fired, or -1.
    public var onLoad: Double

    public init(onContentLoad: Double = -1, onLoad: Double = -1) {
        self.onContentLoad = onContentLoad
        self.onLoad = onLoad
    }
}
