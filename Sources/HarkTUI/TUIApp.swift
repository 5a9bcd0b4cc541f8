import Glibc
public import HarkStore
import Synchronization

/// Runs the terminal UI: the session fills the store on a thread of its own, list recomputations run on
/// worker threads, and this thread draws frames and reads keys, so neither the analysis nor typing ever
/// waits for the other.
///
/// The terminal layer (`Terminal`, `KeyDecoder`, `ScreenGrid`, `ScreenDiff`) is hand-written: the
/// package mirror has no fit Swift TUI library (console-kit is line-oriented; SwiftTUI and TermKit are
/// macOS-first and not in the mirror), and what a list and a pager need is small: raw mode, the
/// alternate screen, a cell grid diffed into ANSI, CSI/SS3 keys and SIGWINCH.
public struct TUIApp {
    /// How the UI starts.
    public struct Options: Sendable {
        /// The capture's name for the title.
        public var sourceName: String
        /// The filter to start with (already checked).
        public var filter: String
        /// Whether to colour (false with `NO_COLOR`).
        public var color: Bool
        /// Where a launched command's output goes, to say so on screen.
        public var commandOutputPath: String?

        public init(sourceName: String, filter: String, color: Bool, commandOutputPath: String? = nil) {
            self.sourceName = sourceName
            self.filter = filter
            self.color = color
            self.commandOutputPath = commandOutputPath
        }
    }

    private let store: LiveStore
    private let options: Options

    public init(store: LiveStore, options: Options) {
        self.store = store
        self.options = options
    }

    /// Runs until the user quits, or a signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) asks to. `feed` fills
    /// the store (the session); it runs on its own thread and the UI shows what it has found so far.
    /// - Returns: the signal that ended the UI, nil when the user quit; the caller should exit with
    ///   128 + the signal, through its normal way out (so that what the source set up is removed).
    /// - Throws: `TerminalError` when there is no terminal; the terminal is restored in every case.
    @discardableResult
    public func run(feed: @escaping @Sendable () -> Void) throws -> Int32? {
        let trace = FrameTrace()
        let started = FrameTrace.now()
        var sawRows = false
        let terminal = try Terminal()
        let wake = TerminalRestore.installSignalHandlers()
        try terminal.enter()
        defer { terminal.restore() }
        BackgroundThread.start {
            feed()
            TerminalRestore.wake()
        }

        let model = TUIModel(store: store, sourceName: options.sourceName, color: options.color)
        model.commandOutputPath = options.commandOutputPath
        if !options.filter.isEmpty {
            model.draft = options.filter
            model.draftChanged()
        }
        let worker = QueryWorker(store: store, trace: trace)
        var decoder = KeyDecoder()
        var shown: ScreenGrid?
        var seenVersion = UInt64.max
        var dirty = true
        var keyStart: (wall: Double, cpu: Double)?
        while !model.wantsQuit, TerminalRestore.quitSignal == 0 {
            let version = store.version
            if version != seenVersion {
                seenVersion = version
                model.refresh()
                dirty = true
            }
            if let result = worker.takeResult() {
                model.apply(result.query, ids: result.ids)
                dirty = true
            }
            if let query = model.pendingQuery { worker.start(query) }
            let size = terminal.size
            if dirty || shown?.width != size.width || shown?.height != size.height {
                // Drawn only when something changed: idle, the UI costs nothing.
                let frame = model.render(width: size.width, height: size.height)
                var output = ScreenDiff.output(from: shown, to: frame, color: options.color)
                output += model.terminalOutput.joined()
                model.terminalOutput.removeAll()
                if !output.isEmpty { terminal.write(output) }
                shown = frame
                dirty = false
                if !sawRows, !model.visible.isEmpty {
                    sawRows = true
                    trace.record("first-rows", since: started, detail: "\(model.visible.count)")
                }
                if let began = keyStart {
                    trace.record("key", since: began)
                    keyStart = nil
                }
            }
            let keys = decoder.decode(terminal.read(timeout: 100, wakeDescriptor: wake))
            if !keys.isEmpty, trace.isEnabled { keyStart = FrameTrace.now() }
            for key in keys where !model.wantsQuit {
                model.handle(key)
                dirty = true
            }
        }
        return TerminalRestore.quitSignal == 0 ? nil : TerminalRestore.quitSignal
    }
}

/// Runs list recomputations on a thread of their own, one at a time; a newer one replaces the answer
/// of an older one (the model drops stale answers anyway).
final class QueryWorker: Sendable {
    private let store: LiveStore
    private struct State {
        var running: Int?
        var result: (query: ListQuery, ids: [Int])?
    }
    private let state = Mutex(State())
    private let trace: FrameTrace

    init(store: LiveStore, trace: FrameTrace) {
        self.store = store
        self.trace = trace
    }

    /// Starts `query` unless it (or a query) is already running.
    func start(_ query: ListQuery) {
        let starts = state.withLock { state -> Bool in
            guard state.running == nil, state.result?.query.generation != query.generation else { return false }
            state.running = query.generation
            return true
        }
        guard starts else { return }
        let store = store
        BackgroundThread.start { [self] in
            let start = FrameTrace.now()
            let ids = query.run(store: store)
            trace.record("query", since: start, detail: "\(query.filterText.isEmpty ? "-" : query.filterText) \(query.sortKey.rawValue) \(ids.count)/\(query.rows.count)")
            state.withLock { state in
                state.running = nil
                state.result = (query, ids)
            }
            TerminalRestore.wake()
        }
    }

    /// The last answer, once.
    func takeResult() -> (query: ListQuery, ids: [Int])? {
        state.withLock { state in
            defer { state.result = nil }
            return state.result
        }
    }
}
