public import HarkCore

/// What grouping entries into pages needs to know of one entry: its client, whether it is a top-level
/// page load, and hashes of its URLs (a few words per entry, kept by `HARSortingSpool` until the end).
public struct HARPageClue: Hashable, Sendable {
    /// The client's address: pages belong to one client.
    public var client: IPAddress?
    /// The URL, for a top-level document (it becomes the page's title); nil for the rest.
    public var documentURL: String?
    /// The request URL's hash.
    public var url: Int
    /// The hash of the URL's origin with a `/` path (`https://host:port/`), the form of an origin-only
    /// `Referer`.
    public var origin: Int
    /// The `Referer`'s hash, when one was sent.
    public var referer: Int?
    /// The absolute redirect target's hash (`Location`), when the response was a redirect.
    public var redirect: Int?

    /// - Parameters:
    ///   - client: the client's address.
    ///   - url: the absolute request URL.
    ///   - isTopLevelDocument: whether the request loads a page (see `HARResourceType.isTopLevelDocument`).
    ///   - referer: the `Referer` header, when sent.
    ///   - location: the response's `Location`, when it redirects.
    public init(client: IPAddress?, url: String, isTopLevelDocument: Bool, referer: String?, location: String?) {
        self.client = client
        let url = Self.withoutFragment(url)
        self.documentURL = isTopLevelDocument ? url : nil
        self.url = url.hashValue
        let origin = Self.origin(of: url)
        self.origin = origin.hashValue
        self.referer = referer.map { Self.withoutFragment($0.trimmingHTTPWhitespace()).hashValue }
        if let location = location?.trimmingHTTPWhitespace(), !location.isEmpty {
            let absolute = location.contains("://") ? location : location.hasPrefix("/") ? String(origin.dropLast()) + location : nil
            redirect = absolute.map { Self.withoutFragment($0).hashValue }
        }
    }

    /// `scheme://authority/` of an absolute URL.
    /// (Searched as UTF-8 bytes: every delimiter is ASCII, and a URL is read once per entry.)
    static func origin(of url: String) -> String {
        let bytes = url.utf8
        var searchStart = bytes.startIndex
        var authorityStart: String.Index?
        while authorityStart == nil, let colon = bytes[searchStart...].firstIndex(of: UInt8(ascii: ":")) {
            searchStart = bytes.index(after: colon)
            if bytes[searchStart...].starts(with: "//".utf8) {
                authorityStart = bytes.index(searchStart, offsetBy: 2)
            }
        }
        guard let authorityStart else { return url }
        let authorityEnd = bytes[authorityStart...].firstIndex {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        }
        return String(url[..<(authorityEnd ?? bytes.endIndex)]) + "/"
    }

    /// `url` up to its fragment (`#…`), or `url` itself when it has none.
    static func withoutFragment(_ url: String) -> String {
        guard let hash = url.utf8.firstIndex(of: UInt8(ascii: "#")) else { return url }
        return String(url[..<hash])
    }
}

/// Groups entries into pages the way a browser's HAR export does, as far as a capture shows it.
///
/// The rule, per client (source address) and in start order: a top-level document request starts a
/// page (unless it follows the redirect of the page's previous document, which keeps the page);
/// a request whose `Referer` is the URL of an entry already in a page joins that page (the latest such),
/// so what a page pulled in, and what that pulled in, joins it; a request whose `Referer` is only an
/// origin (`https://host/`, as browsers send across origins) joins the latest page of that origin.
/// Other entries belong to no page. Pages are `page_1`, `page_2`, … titled by their document's URL.
public struct HARPageGrouping {
    private struct OpenPage {
        var origin: Int
        var urls: Set<Int>
        var pendingRedirect: Int?
    }

    /// The pages found so far.
    public private(set) var pages: [HARPage] = []
    private var open: [OpenPage] = []
    private var pagesOfClient: [IPAddress?: [Int]] = [:]

    public init() {}

    /// The `pageref` of the next entry in start order, or nil when it belongs to no page.
    public mutating func pageref(for clue: HARPageClue, startedDateTime: Timestamp) -> String? {
        let candidates = pagesOfClient[clue.client] ?? []
        var page: Int?
        if let document = clue.documentURL {
            if let last = candidates.last, open[last].pendingRedirect == clue.url {
                page = last
                open[last].pendingRedirect = clue.redirect
            } else {
                pages.append(HARPage(startedDateTime: startedDateTime, id: "page_\(open.count + 1)", title: document))
                open.append(OpenPage(origin: clue.origin, urls: [], pendingRedirect: clue.redirect))
                pagesOfClient[clue.client, default: []].append(open.count - 1)
                page = open.count - 1
            }
        } else if let referer = clue.referer {
            page = candidates.last { open[$0].urls.contains(referer) } ?? candidates.last { open[$0].origin == referer }
        }
        guard let page else { return nil }
        open[page].urls.insert(clue.url)
        return pages[page].id
    }
}
