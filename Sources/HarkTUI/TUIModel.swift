import HarkFilter
import HarkModel
import HarkStore

/// The terminal UI's state and behaviour, without a terminal: keys go in (`handle(_:)`), frames come
/// out (`render(width:height:)`), and what must reach the terminal besides frames (OSC 52 clipboard
/// sequences) waits in `terminalOutput`. Tests drive it directly; `TUIApp` connects it to a terminal.
final class TUIModel {
    enum Screen: Equatable {
        case list, detail, help
    }

    /// A question on the bottom line (a file name), answered with Enter.
    struct Prompt: Equatable {
        enum Purpose: Equatable {
            case saveBody(exchangeID: Int, response: Bool)
            case exportHAR(ids: [Int])
            case search
        }

        var purpose: Purpose
        var label: String
        var text: String
    }

    let store: LiveStore
    /// The capture's name, for the title line.
    let sourceName: String
    /// Where the launched command's output goes, if one was launched (shown in the status line).
    var commandOutputPath: String?
    let color: Bool

    // Data, refreshed from the store.
    private(set) var rows = ExchangeList()
    private(set) var visible: [Int] = []
    private(set) var counters = StoreCounters()
    var seenVersion: UInt64 = 0
    private var evictedSeen = 0

    // The list.
    private(set) var filterText = ""
    private var filter = Filter.all
    var sortKey = ExchangeSortKey.time
    var ascending = true
    var selected = 0
    var top = 0
    var follow = false
    var marks: Set<Int> = []
    var screen = Screen.list
    private var screenBeforeHelp = Screen.list

    // Editing the filter.
    var isEditingFilter = false
    /// The filter in force when editing began, which Esc puts back (a valid draft applies as it is typed).
    var filterBeforeEditing = ""
    var draft = ""
    var draftError: FilterSyntaxError?

    // The detail view.
    var detailID: Int?
    var detailExchange: Exchange?
    var tab = DetailTab.headers
    /// The tabs the open exchange has (Messages only after a switch to WebSocket).
    var detailTabs = DetailTab.allCases
    var detailLines: [StyledLine] = []
    var detailScroll = 0
    var search = ""
    var prompt: Prompt?
    var helpScroll = 0

    /// A line of feedback (an action's result), until the next key.
    var message: String?
    /// Sequences for the terminal other than frames (OSC 52), taken by the app after each key.
    var terminalOutput: [String] = []
    var wantsQuit = false

    // The full recomputation in flight.
    private(set) var pendingQuery: ListQuery?
    private var generation = 0
    /// Rows per page, from the last render.
    var pageHeight = 20

    init(store: LiveStore, sourceName: String, color: Bool) {
        self.store = store
        self.sourceName = sourceName
        self.color = color
    }

    /// The id of the selected row.
    var selectedID: Int? { visible.indices.contains(selected) ? visible[selected] : nil }

    // MARK: - Refreshing from the store

    /// Takes what the store has now: new rows go through the filter and into the list (at once when
    /// sorted by time; re-sorted otherwise), evicted ones leave it.
    func refresh() {
        counters = store.counters
        let snapshot = store.exchanges()
        rows = snapshot
        guard pendingQuery == nil else { return }
        if counters.evictedExchanges != evictedSeen {
            evictedSeen = counters.evictedExchanges
            dropEvicted()
        }
        let start = snapshot.firstPosition(after: seenVersion)
        guard start < snapshot.count else { return }
        let keepID = selectedID
        var added: [Int] = []
        let readsHeaders = filter.readsHeaders
        snapshot.forEach(from: start) { row in
            let matches = filterText.isEmpty || (readsHeaders ? store.exchange(id: row.id).map(filter.matches) ?? false : filter.matches(summary: row))
            if matches { added.append(row.id) }
        }
        seenVersion = snapshot[snapshot.count - 1]?.version ?? seenVersion
        if sortKey == .time, ascending {
            visible += added
        } else {
            visible = snapshot.sorted(visible + added, by: sortKey, ascending: ascending)
        }
        keepSelection(on: keepID)
    }

    /// Asks for a full recomputation (new filter or order).
    func requestQuery() {
        generation += 1
        pendingQuery = ListQuery(
            generation: generation, filterText: filterText, sortKey: sortKey, ascending: ascending, rows: rows,
            lastVersion: rows[rows.count - 1]?.version ?? 0
        )
    }

    /// Takes a recomputation's answer (dropped when a newer one was asked for meanwhile).
    func apply(_ query: ListQuery, ids: [Int]) {
        guard query.generation == generation else { return }
        let keepID = selectedID
        pendingQuery = nil
        visible = ids
        seenVersion = query.lastVersion
        evictedSeen = counters.evictedExchanges
        refresh()
        keepSelection(on: keepID)
    }

    /// Runs the pending recomputation here and now (tests, and small lists).
    func settle() {
        refresh()
        while let query = pendingQuery {
            apply(query, ids: query.run(store: store))
        }
    }

    private func dropEvicted() {
        guard let first = rows[0]?.id else {
            visible = []
            return
        }
        let keepID = selectedID
        visible.removeAll { $0 < first }
        marks = marks.filter { $0 >= first }
        keepSelection(on: keepID)
    }

    /// Keeps `id` selected if it is still shown; follow mode selects the newest row.
    func keepSelection(on id: Int?) {
        if follow {
            selected = max(0, visible.count - 1)
        } else if let id, let position = visible.firstIndex(of: id) {
            selected = position
        }
        selected = min(max(0, selected), max(0, visible.count - 1))
    }

    // MARK: - Filter

    /// Parses the draft as it is typed: an error shows at its column; a valid filter is applied at once.
    func draftChanged() {
        do {
            let parsed = draft.isEmpty ? Filter.all : try Filter(draft)
            draftError = nil
            if draft != filterText {
                filter = parsed
                filterText = draft
                requestQuery()
            }
        } catch {
            draftError = error
        }
    }

    /// Clears the filter.
    func clearFilter() {
        draft = ""
        draftChanged()
    }

    // MARK: - Detail

    /// Opens the detail view of the selected exchange, read back from the store.
    func openDetail() {
        guard let id = selectedID else { return }
        guard let exchange = store.exchange(id: id) else {
            message = "exchange \(id) is no longer kept"
            return
        }
        detailID = id
        detailExchange = exchange
        screen = .detail
        let hasMessages = exchange.switchedTo == "websocket" || store.connection(id: exchange.connection.id)?.messages.isEmpty == false
        detailTabs = DetailTab.allCases.filter { $0 != .messages || hasMessages }
        loadTab(detailTabs.contains(tab) ? tab : .headers)
    }

    func loadTab(_ newTab: DetailTab) {
        tab = newTab
        detailScroll = 0
        guard let exchange = detailExchange, let id = detailID, let position = rows.position(of: id), let row = rows[position] else {
            detailLines = []
            return
        }
        detailLines = DetailContent.lines(newTab, exchange: exchange, row: row, connection: store.connection(id: exchange.connection.id))
    }

    func showHelp() {
        if screen != .help { screenBeforeHelp = screen }
        screen = .help
        helpScroll = 0
    }

    func leaveHelp() {
        screen = screenBeforeHelp
    }
}
