import Foundation
import Glibc
@testable import HarkProcess
import HarkTestSupport
import Testing

/// How long tcpdump's capture of an NFLOG group must stay unchanged before it is complete: tcpdump
/// leaves the group's batching to the kernel's defaults (a message per 100 packets, or after a second;
/// the rules set no threshold of their own so that hark's reader can choose one).
let nflogQuiet: TimeInterval = 1.5

/// Whether this machine can run the process-capture tests.
let canCaptureProcesses = getuid() == 0 && NFTables.locate() != nil && ToolProcess.locate("tcpdump") != nil
    && ToolProcess.locate("python3") != nil && ToolProcess.locate("curl") != nil

/// The cgroup + nftables capture on the real kernel, read with tcpdump (`-i nflog:G`): root only.
@Suite(.serialized, .enabled(if: canCaptureProcesses, "needs root, nft, tcpdump, python3 and curl (the capture changes nftables and cgroups)"))
struct ProcessCaptureTests {
    @Test func attachedServerIsCapturedWithItsWorkersAndItsOpenConnection() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let watched = try servers.startServer("watched")
        defer { ToolProcess.kill(watched.process) }
        let other = try servers.startServer("other")
        defer { ToolProcess.kill(other.process) }
        let held = try servers.startHeldClient(port: watched.port)
        defer { ToolProcess.kill(held) }
        let originalCgroup = CgroupHierarchy.cgroup(of: watched.process.processIdentifier)

        let capture = try ProcessCapture.attach(to: [watched.process.processIdentifier])
        let table = capture.tableName
        #expect(CgroupHierarchy.cgroup(of: watched.process.processIdentifier) == "/" + capture.cgroupName)
        let pcap = servers.file("capture.pcap")
        let tcpdump = try ToolProcess.launch(
            "tcpdump", ["-i", capture.device, "-U", "-w", pcap.path], log: servers.file("tcpdump.log"), waitFor: "listening on")
        for index in 0..<3 {
            #expect(try servers.curl(port: watched.port, path: "/watched-\(index)") == "200")
            #expect(try servers.curl(port: other.port, path: "/other-\(index)") == "200")
        }
        try servers.releaseHeldClient(held)
        ToolProcess.stopCapture(tcpdump, writing: pcap, quiet: nflogQuiet)
        capture.close()

        let text = try ToolProcess.run("tcpdump", ["-nn", "-A", "-r", pcap.path], log: servers.file("read.log")).output
        for index in 0..<3 {
            #expect(text.contains("GET /watched-\(index) HTTP/1.1"), "request \(index) of the watched server")
        }
        #expect(text.contains("hello /watched-2"), "a response of a forked worker")
        #expect(text.contains("GET /after HTTP/1.1"), "the connection opened before attaching")
        #expect(text.contains("hello /after"))
        #expect(!text.contains("GET /before"), "nothing from before attaching")
        #expect(!text.contains("other-"), "nothing of the other server")
        #expect(!text.contains(".\(other.port):") && !text.contains(".\(other.port) "), "no packet of the other server's port")
        let handshakes = text.split(separator: "\n").filter { $0.contains("> 127.0.0.1.\(watched.port): Flags [S],") }
        #expect(handshakes.count == 3, "each curl connection from its SYN")

        #expect(CgroupHierarchy.cgroup(of: watched.process.processIdentifier) == originalCgroup, "moved back")
        try expectNothingLeft(table: table, cgroup: capture.cgroupName)
    }

    /// Both ends watched (the server and a client that waits for a file): a loopback packet passes the
    /// output and the input hook, and must be logged once.
    @Test func ipv6LoopbackBothEndsWatchedEveryPacketOnce() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let watched = try servers.startServer("watched6", host: "::1")
        defer { ToolProcess.kill(watched.process) }
        let go = servers.file("go6")
        let script = "while [ ! -e \(go.path) ]; do sleep 0.02; done; curl -s -o /dev/null http://[::1]:\(watched.port)/six"
        let client = try ToolProcess.start("sh", ["-c", script], log: servers.file("client6.log"))
        defer { ToolProcess.kill(client) }
        let capture = try ProcessCapture.attach(to: [watched.process.processIdentifier, client.processIdentifier])
        let pcap = servers.file("capture6.pcap")
        let tcpdump = try ToolProcess.launch(
            "tcpdump", ["-i", capture.device, "-U", "-w", pcap.path], log: servers.file("tcpdump6.log"), waitFor: "listening on")
        FileManager.default.createFile(atPath: go.path, contents: Data())
        client.waitUntilExit()
        ToolProcess.stopCapture(tcpdump, writing: pcap, quiet: nflogQuiet)
        capture.close()
        let lines = try ToolProcess.run("tcpdump", ["-nn", "-r", pcap.path], log: servers.file("read6.log")).output
            .split(separator: "\n").filter { $0.contains("IP6 ::1.") }
        #expect(lines.filter { $0.contains("> ::1.\(watched.port): Flags [S],") }.count == 1, "the SYN once:\n\(lines.joined(separator: "\n"))")
        #expect(lines.filter { $0.contains("::1.\(watched.port) > ") && $0.contains("Flags [S.],") }.count == 1, "the SYN-ACK once")
        #expect(lines.contains { $0.contains("Flags [P.]") && $0.contains("> ::1.\(watched.port):") }, "the request")
        #expect(lines.contains { $0.contains("Flags [P.]") && $0.contains("::1.\(watched.port) > ") }, "the response")
        // Without the time, a packet logged twice (output and input hook) would repeat its line.
        let withoutTimes = lines.map { $0.split(separator: " ", maxSplits: 1).last ?? "" }
        #expect(Set(withoutTimes).count == withoutTimes.count, "every packet once")
    }

    /// Two captures at once, one watching a server, the other its client on loopback: each table notes
    /// the loopback packets it takes on the way out and logs them on the way in, so each capture gets
    /// the whole exchange, every packet once, and every packet with the kernel's time (NFLOG stamps
    /// input-hook packets only). A packet mark shared by the two tables lost one capture the packets the
    /// other had marked.
    @Test func twoCapturesOfTheTwoEndsEachGetEveryPacketOnceWithTheKernelsTime() throws {
        try #require(ToolProcess.locate("tshark") != nil, "tshark reads the NFLOG timestamps")
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let watched = try servers.startServer("server")
        defer { ToolProcess.kill(watched.process) }
        let go = servers.file("go")
        let script = "while [ ! -e \(go.path) ]; do sleep 0.02; done; curl -s -o /dev/null http://127.0.0.1:\(watched.port)/both"
        let client = try ToolProcess.start("sh", ["-c", script], log: servers.file("client.log"))
        defer { ToolProcess.kill(client) }
        var captures: [(String, ProcessCapture)] = []
        var recordings: [(String, URL, Process)] = []
        // Each capture picks a group no one listens to: the second is attached once the first's is bound.
        for (name, pid) in [("server", watched.process.processIdentifier), ("client", client.processIdentifier)] {
            let capture = try ProcessCapture.attach(to: [pid])
            captures.append((name, capture))
            let pcap = servers.file("\(name).pcap")
            let tcpdump = try ToolProcess.launch(
                "tcpdump", ["-i", capture.device, "-U", "-w", pcap.path], log: servers.file("tcpdump-\(name).log"), waitFor: "listening on")
            recordings.append((name, pcap, tcpdump))
        }
        FileManager.default.createFile(atPath: go.path, contents: Data())
        client.waitUntilExit()
        for (_, pcap, tcpdump) in recordings { ToolProcess.stopCapture(tcpdump, writing: pcap, quiet: nflogQuiet) }
        for (_, capture) in captures { capture.close() }

        for (name, pcap, _) in recordings {
            let fields = try ToolProcess.run(
                "tshark", ["-r", pcap.path, "-Y", "tcp.port == \(watched.port)", "-T", "fields", "-E", "separator=|",
                    "-e", "nflog.timestamp", "-e", "tcp.srcport", "-e", "tcp.flags.str", "-e", "tcp.seq_raw", "-e", "tcp.ack_raw", "-e", "tcp.len"],
                log: servers.file("tshark-\(name).log")
            ).output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false) }
                .filter { $0.count == 6 }  // not tshark's own lines ("Running as user \"root\"…")
            let listing = fields.map { $0.joined(separator: " ") }.joined(separator: "\n")
            let fromServer = fields.filter { $0[1] == "\(watched.port)" }
            let fromClient = fields.filter { $0[1] != "\(watched.port)" }
            #expect(fromClient.contains { $0[2].hasSuffix("S·") }, "\(name): the client's SYN\n\(listing)")
            #expect(fromServer.contains { $0[2].hasSuffix("S·") }, "\(name): the server's SYN-ACK")
            #expect(fromClient.contains { $0[2].contains("P") }, "\(name): the request")
            #expect(fromServer.contains { $0[2].contains("P") }, "\(name): the response")
            #expect(fields.allSatisfy { !$0[0].isEmpty }, "\(name): every packet with the kernel's time\n\(listing)")
            let packets = fields.map { $0.dropFirst().joined(separator: " ") }
            #expect(Set(packets).count == packets.count, "\(name): every packet once\n\(listing)")
        }
    }

    @Test func launchedCommandStartsInsideAndItsStatusComesBack() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let server = try servers.startServer("server")
        defer { ToolProcess.kill(server.process) }
        let script = """
            curl -s -o /dev/null http://127.0.0.1:\(server.port)/launched
            echo "$SSLKEYLOGFILE|$NODE_OPTIONS" > \(servers.file("environment").path)
            exit 7
            """
        let capture = try ProcessCapture.launch(["sh", "-c", script])
        let table = capture.tableName
        let pcap = servers.file("capture.pcap")
        let tcpdump = try ToolProcess.launch(
            "tcpdump", ["-i", capture.device, "-U", "-w", pcap.path], log: servers.file("tcpdump.log"), waitFor: "listening on")
        let ended = DispatchSemaphore(value: 0)
        try capture.start { ended.signal() }
        #expect(ended.wait(timeout: .now() + 20) == .success)
        ToolProcess.stopCapture(tcpdump, writing: pcap, quiet: nflogQuiet)
        let keyLog = capture.keyLogPath
        capture.close()
        #expect(capture.commandStatus == 7)

        let text = try ToolProcess.run("tcpdump", ["-nn", "-A", "-r", pcap.path], log: servers.file("read.log")).output
        #expect(text.split(separator: "\n").contains { $0.contains("> 127.0.0.1.\(server.port): Flags [S],") }, "the first SYN")
        #expect(text.contains("GET /launched HTTP/1.1"))
        let environment = try String(contentsOf: servers.file("environment"), encoding: .utf8)
        #expect(keyLog != nil)
        #expect(environment == "\(keyLog ?? "")|--tls-keylog=\(keyLog ?? "")\n")
        #expect(!FileManager.default.fileExists(atPath: keyLog ?? "/"), "the key log is removed")
        try expectNothingLeft(table: table, cgroup: capture.cgroupName)
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(throws: ProcessCaptureError("no such process 2147483647")) {
            try ProcessCapture.attach(to: [Int32.max])
        }
        #expect(throws: ProcessCaptureError("--pid 1: refusing to watch init (every process descends from it)")) {
            try ProcessCapture.attach(to: [1])
        }
        #expect(throws: ProcessCaptureError("--pid \(getpid()): refusing to watch hark itself or a process it descends from")) {
            try ProcessCapture.attach(to: [getpid()])
        }
        #expect(throws: ProcessCaptureError("command not found: hark-no-such-command")) {
            try ProcessCapture.launch(["hark-no-such-command"])
        }
    }

    @Test func leftoversOfAKilledRunAreRemoved() throws {
        let nft = try #require(NFTables.locate())
        let hierarchy = try #require(CgroupHierarchy.find(), "no cgroup v2 hierarchy")
        // A run that died: a pid with another start time.
        let name = CaptureName(pid: getpid(), startTime: 1, serial: 99)
        let ruleset = CaptureRuleset(table: name.table, cgroupPath: hierarchy.nftablesPath(of: name.cgroup), group: 18431)
        try hierarchy.create(name.cgroup)
        try nft.run(ruleset.creationScript)
        let sleeper = try ToolProcess.start("sleep", ["30"], log: FileManager.default.temporaryDirectory.appendingPathComponent("hark-sleep-\(getpid()).log"))
        defer { ToolProcess.kill(sleeper) }
        let origin = CgroupHierarchy.cgroup(of: sleeper.processIdentifier) ?? "/"
        OriginRecord(cgroup: name.cgroup).append([(sleeper.processIdentifier, origin)])
        #expect(hierarchy.move(sleeper.processIdentifier, to: "/" + name.cgroup) == 0)

        Leftovers.clean(nft: nft, hierarchy: hierarchy)
        try expectNothingLeft(table: name.table, cgroup: name.cgroup)
        #expect(CgroupHierarchy.cgroup(of: sleeper.processIdentifier) == origin)
    }

    private func expectNothingLeft(table: String, cgroup: String) throws {
        let tables = try ToolProcess.run(
            "nft", ["list", "tables"], log: FileManager.default.temporaryDirectory.appendingPathComponent("hark-nft-\(getpid()).log"))
        #expect(!tables.output.contains(table), "table \(table) removed")
        #expect(CgroupHierarchy.find().map { !FileManager.default.fileExists(atPath: $0.path(of: cgroup)) } == true, "cgroup \(cgroup) removed")
    }
}
