import Foundation
import HarkTestSupport
import Testing

/// `hark tui` end to end in a real terminal (tmux): keys in with `send-keys`, the screen out with
/// `capture-pane`, and the terminal's mode (`stty -a`) the same before and after, whether the UI quits
/// with `q`, Ctrl-C or SIGTERM.
@Suite(.serialized) struct TUITmuxTests {
    static let hark = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/hark")
    static let isAvailable = ToolProcess.locate("tmux") != nil && FileManager.default.isExecutableFile(atPath: hark.path)

    /// A tmux server of its own (a unique socket name), with one window running `command`.
    final class Tmux {
        let socket = "hark-tui-test-\(UUID().uuidString.prefix(8))"
        let directory: URL

        /// Starts `hark tui capture` in a window: the shell records the mode (`stty -a`) before and after,
        /// hark's pid (an inner shell writes its own and becomes hark) and exit status, in `directory`.
        convenience init(width: Int, height: Int, capture: URL) throws {
            try self.init(width: width, height: height, arguments: [capture.path])
        }

        /// Starts `hark tui ARGUMENTS…` (each word quoted for the shell) the same way.
        init(width: Int, height: Int, arguments: [String]) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let d = directory.path
            let words = ([TUITmuxTests.hark.path, "tui"] + arguments).map(Self.quote).joined(separator: " ")
            let script = "echo $$ > \(d)/pid; exec \(words) 2> \(d)/errors"
            let command = "stty -a > \(d)/before; sh -c \(Self.quote(script)); echo $? > \(d)/status; stty -a > \(d)/after; echo restored; sleep 20"
            try run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "sh", "-c", command])
        }

        deinit {
            _ = try? run(["kill-server"])
            try? FileManager.default.removeItem(at: directory)
        }

        /// Runs one tmux command through the shell (`system`, which waits for it: Foundation's `Process`
        /// did not notice the tmux client's exit when the client had started a server), with its output
        /// in a file read back.
        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            let output = directory.appendingPathComponent("tmux.out")
            let words = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
            let command = words.map(Self.quote).joined(separator: " ") + " > " + Self.quote(output.path) + " 2>&1"
            let status = system(command)
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            guard status == 0 else { throw TmuxFailure("tmux \(arguments): \(text)") }
            return text
        }

        static func quote(_ word: String) -> String {
            "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
        }

        func keys(_ keys: String...) throws {
            try run(["send-keys", "-t", "0"] + keys)
        }

        func screen() throws -> String {
            try run(["capture-pane", "-p", "-t", "0"])
        }

        /// Waits until the screen shows `text` (10 s at most), returning the screen.
        @discardableResult
        func waitFor(_ text: String) throws -> String {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let shown = try screen()
                if shown.contains(text) { return shown }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw TmuxFailure("the screen never showed \"\(text)\":\n\(try screen())")
        }

        func file(_ name: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }

        /// Waits for a file the shell writes when hark has exited.
        func waitForFile(_ name: String) throws -> String {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let text = file(name)
                if !text.isEmpty { return text }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw TmuxFailure("\(name) never appeared:\n\(try screen())")
        }
    }

    @Test(.enabled(if: isAvailable, "needs tmux and the built hark (swift build)"))
    func browseFilterOpenAndQuit() throws {
        let session = try Tmux(width: 100, height: 30, capture: Fixtures.corpus("http1-browse-bro-org.pcap"))
        let list = try session.waitFor("done")
        #expect(list.contains("bro.org"))
        #expect(list.contains("TIME") && list.contains("METHOD"))
        try session.keys("/")
        try session.keys("-l", "status>=4OO")
        let error = try session.waitFor("column 9")
        #expect(error.contains("^^^ column 9: expected a number"))
        try session.keys("BSpace", "BSpace")
        try session.keys("-l", "00")
        try session.keys("Enter")
        try session.waitFor("filter: status>=400")
        try session.keys("c")
        try session.waitFor("filter cleared")
        try session.keys("j", "Enter")
        let detail = try session.waitFor("Headers")
        #expect(detail.contains("Response body") && detail.contains("Host"))
        try session.keys("q", "q")
        #expect(try session.waitForFile("status").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let after = try session.waitFor("restored")
        #expect(!after.contains("METHOD"), "the alternate screen is left")
        #expect(session.file("before") == session.file("after"))
        #expect(!session.file("before").isEmpty)
    }

    @Test(.enabled(if: isAvailable, "needs tmux and the built hark (swift build)"))
    func controlCAndSIGTERMRestoreTheTerminal() throws {
        let capture = Fixtures.corpus("http1-browse-bro-org.pcap")
        let interrupted = try Tmux(width: 80, height: 24, capture: capture)
        try interrupted.waitFor("done")
        try interrupted.keys("C-c")
        #expect(try interrupted.waitForFile("status").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        try interrupted.waitFor("restored")
        #expect(interrupted.file("before") == interrupted.file("after"))

        let terminated = try Tmux(width: 80, height: 24, capture: capture)
        try terminated.waitFor("done")
        let pid = try #require(Int32(try terminated.waitForFile("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGTERM) == 0)
        #expect(try terminated.waitForFile("status").trimmingCharacters(in: .whitespacesAndNewlines) == "143")
        try terminated.waitFor("restored")
        #expect(terminated.file("before") == terminated.file("after"))
    }
}

/// What went wrong driving tmux.
struct TmuxFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// `hark tui -- CMD` in tmux, as root: the command's own output goes to a file named on screen and on
/// exit, never onto the screen, and its exchanges are listed.
@Suite(.serialized) struct TUICommandTmuxTests {
    static let canLaunch = TUITmuxTests.isAvailable && getuid() == 0 && ToolProcess.locate("nft") != nil
        && ToolProcess.locate("curl") != nil && ToolProcess.locate("python3") != nil

    @Test(.enabled(if: canLaunch, "needs root, nft, curl, python3, tmux and the built hark"))
    func commandOutputGoesToAFileNamedOnScreen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-tui-cmd-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try PythonHTTPServer.start(in: directory)
        defer { ToolProcess.kill(server) }
        let output = directory.appendingPathComponent("command.log")
        // What it prints differs from its command line, which the title shows.
        let command = "echo out$((6*7)); echo err$((6*7)) >&2; curl -s http://127.0.0.1:\(port)/one; curl -s http://127.0.0.1:\(port)/two"

        let session = try TUITmuxTests.Tmux(
            width: 160, height: 30, arguments: ["--command-output", output.path, "--", "sh", "-c", command])
        let screen = try session.waitFor("done")
        #expect(screen.contains("/one") && screen.contains("/two"))
        #expect(screen.contains("command output → " + output.path))
        for written in ["out42", "err42", "hello /"] {
            #expect(!screen.contains(written), "the command's output is not on the screen")
        }
        try session.keys("q")
        #expect(try session.waitForFile("status").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        try session.waitFor("restored")
        #expect(session.file("before") == session.file("after"))
        #expect(session.file("errors").contains("hark: the command's output is in \(output.path)"))
        let written = try String(contentsOf: output, encoding: .utf8)
        #expect(written.contains("out42") && written.contains("err42"))
        #expect(written.contains("hello /one") && written.contains("hello /two"))
    }
}

/// A signal ends `hark tui --pid` and `hark tui -- CMD` as quitting does: the terminal restored, and
/// everything the process capture added to the system removed (the nftables table, the cgroup, the
/// launched command), with exit status 128 + the signal.
@Suite(.serialized) struct TUISignalTmuxTests {
    enum Source: String, CaseIterable, CustomTestStringConvertible {
        case pid, command
        var testDescription: String { rawValue }
    }

    /// The cgroup2 mount point (`/sys/fs/cgroup` or `/sys/fs/cgroup/unified`).
    private static func cgroupRoot() -> String? {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count >= 3, fields[2] == "cgroup2" { return String(fields[1]) }
        }
        return nil
    }

    /// Starts `script` with `sh` in a session of its own, not as a child of this process; its pid.
    private static func startApart(_ script: String, in directory: URL) throws -> Int32 {
        let pidFile = directory.appendingPathComponent("watched.pid")
        let command = "setsid -f sh -c " + TUITmuxTests.Tmux.quote("echo $$ > \(pidFile.path); exec sh -c " + TUITmuxTests.Tmux.quote(script))
            + " < /dev/null > /dev/null 2>&1"
        guard system(command) == 0 else { throw TmuxFailure("cannot start \(script)") }
        for _ in 0..<200 {
            if let pid = Int32(((try? String(contentsOf: pidFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw TmuxFailure("\(script) did not start")
    }

    /// Whether process `pid` has exited (gone, or a zombie its new parent has not reaped yet), waiting
    /// up to 2 s.
    private static func hasEnded(_ pid: Int32) -> Bool {
        for _ in 0..<200 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.range(of: ") ", options: .backwards), stat[close.upperBound...].hasPrefix("Z") { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    /// hark's nft tables and cgroups for the run of `pid` (`hark_PID_…`, `hark-PID-…`).
    private static func additions(of pid: Int32, in directory: URL) -> (tables: [String], cgroups: [String]) {
        let listed = (try? ToolProcess.run("nft", ["list", "tables"], log: directory.appendingPathComponent("nft.log")).output) ?? ""
        let tables: [String] = listed.split(separator: "\n").map(String.init).filter { $0.contains("hark_\(pid)_") }
        var cgroups: [String] = []
        if let root = cgroupRoot(), let names = try? FileManager.default.contentsOfDirectory(atPath: root) {
            cgroups = names.filter { $0.hasPrefix("hark-\(pid)-") }
        }
        return (tables, cgroups)
    }

    @Test(.enabled(if: TUICommandTmuxTests.canLaunch, "needs root, nft, curl, python3, tmux and the built hark"),
          arguments: [(SIGTERM, Source.pid), (SIGINT, .pid), (SIGTERM, .command), (SIGINT, .command)])
    func aSignalRemovesWhatTheCaptureAddedAndRestoresTheTerminal(signal: Int32, source: Source) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-tui-signal-\(getpid())-\(signal)-\(source)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try PythonHTTPServer.start(in: directory)
        defer { ToolProcess.kill(server) }
        let go = directory.appendingPathComponent("go")
        // A client that makes one request once hark watches it, then stays.
        let client = "while [ ! -e \(go.path) ]; do sleep 0.05; done; curl -s http://127.0.0.1:\(port)/before-signal; sleep 300"
        // The watched client is started apart (setsid -f), not as this process's child: Foundation's
        // Process did not notice such a child's end after hark had moved it between cgroups, and
        // waited for minutes.
        let watched = source == .pid ? try Self.startApart(client, in: directory) : nil
        defer { if let watched { kill(watched, SIGKILL) } }
        let arguments = watched.map { ["--pid", "\($0)"] }
            ?? ["--command-output", directory.appendingPathComponent("command.log").path, "--", "sh", "-c", client]

        let session = try TUITmuxTests.Tmux(width: 160, height: 30, arguments: arguments)
        let hark = try #require(Int32(try session.waitForFile("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        try session.waitFor("hark")
        FileManager.default.createFile(atPath: go.path, contents: Data())
        try session.waitFor("/before-signal")
        let added = Self.additions(of: hark, in: directory)
        #expect(added.tables.count == 1 && added.cgroups.count == 1, "the capture's table and cgroup exist: \(added)")
        let root = try #require(Self.cgroupRoot())
        var inside: [Int32] = []
        for cgroup in added.cgroups {
            let procs = (try? String(contentsOfFile: "\(root)/\(cgroup)/cgroup.procs", encoding: .utf8)) ?? ""
            inside += procs.split(separator: "\n").compactMap { Int32($0) }
        }
        #expect(!inside.isEmpty, "the watched processes are in the cgroup")

        #expect(kill(hark, signal) == 0)
        #expect(try session.waitForFile("status").trimmingCharacters(in: .whitespacesAndNewlines) == "\(128 + signal)")
        try session.waitFor("restored")
        #expect(session.file("before") == session.file("after"), "the terminal's mode is back")
        let left = Self.additions(of: hark, in: directory)
        #expect(left.tables.isEmpty && left.cgroups.isEmpty, "nothing of hark's left in nftables or cgroups: \(left)")
        switch source {
        case .pid:
            // The watched process goes on, back in its own cgroup.
            let pid = try #require(watched)
            #expect(kill(pid, 0) == 0)
            let cgroup = (try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)) ?? ""
            #expect(!cgroup.contains("hark-"), "\(cgroup)")
        case .command:
            // The launched command (sh and its sleep) ended with hark.
            for pid in inside { #expect(Self.hasEnded(pid), "process \(pid) of the command is gone") }
        }
    }
}
