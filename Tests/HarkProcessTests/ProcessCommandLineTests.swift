import Foundation
import Glibc
@testable import HarkProcess
import HarkTestSupport
import Testing

/// `hark … --pid` and `hark … -- CMD` as a user runs them (root, loopback): the real hark binary,
/// real servers and clients, and what is left on the system afterwards.
@Suite(.serialized, .enabled(if: canCaptureProcesses && HarkBinary.url != nil, "needs root, nft, python3, curl, openssl and the hark executable"))
struct ProcessCommandLineTests {
    /// Starts `hark ARGUMENTS` and waits for its "capturing" line.
    private func startHark(_ arguments: [String], in servers: LoopbackServers) throws -> (Process, output: URL, errors: URL) {
        let output = servers.file("hark.out")
        let errors = servers.file("hark.err")
        let process = try HarkBinary.start(arguments, output: output, errors: errors)
        try ToolProcess.waitFor("hark: capturing", in: errors, of: process)
        return (process, output, errors)
    }

    /// Waits until `file` holds `count` lines containing `marker` (at most 10 s).
    private func waitForLines(_ marker: String, count: Int, in file: URL) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").filter({ $0.contains(marker) }).count >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private func harkLeftovers(of pid: Int32) -> [String] {
        let tables = (try? ToolProcess.run("nft", ["list", "tables"], log: FileManager.default.temporaryDirectory
            .appendingPathComponent("hark-nft-\(getpid()).log")).output) ?? ""
        let cgroups = CgroupHierarchy.find().map { hierarchy in
            ((try? FileManager.default.contentsOfDirectory(atPath: hierarchy.mountPoint)) ?? [])
        } ?? []
        return tables.split(separator: "\n").map(String.init).filter { $0.contains("hark_\(pid)_") }
            + cgroups.filter { $0.hasPrefix("hark-\(pid)-") }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func pidShowsEveryExchangeOfTheForkingServerOnly(ending signal: Int32) throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let watched = try servers.startServer("watched")
        defer { ToolProcess.kill(watched.process) }
        let other = try servers.startServer("other")
        defer { ToolProcess.kill(other.process) }
        let held = try servers.startHeldClient(port: watched.port)
        defer { ToolProcess.kill(held) }

        let (hark, output, errors) = try startHark(
            ["trace", "--tcp", "--color", "never", "--pid", "\(watched.process.processIdentifier)"], in: servers)
        defer { ToolProcess.kill(hark) }
        for index in 0..<5 {
            #expect(try servers.curl(port: watched.port, path: "/watched-\(index)") == "200")
            #expect(try servers.curl(port: other.port, path: "/other-\(index)") == "200")
        }
        try servers.releaseHeldClient(held)
        waitForLines("GET http://127.0.0.1:\(watched.port)/", count: 6, in: output)
        Glibc.kill(hark.processIdentifier, signal)
        hark.waitUntilExit()

        let text = try String(contentsOf: output, encoding: .utf8)
        let exchanges = text.split(separator: "\n").filter { $0.contains(" GET http://") }
        for index in 0..<5 {
            #expect(exchanges.contains { $0.contains(" 200 ") && $0.hasSuffix("GET http://127.0.0.1:\(watched.port)/watched-\(index)") },
                "exchange \(index) in:\n\(text)")
        }
        #expect(exchanges.contains { $0.contains(" 200 ") && $0.hasSuffix("/after") }, "the connection opened before attaching")
        #expect(text.contains("joined mid-connection"), "its start reported as missed")
        #expect(exchanges.count == 6, "nothing else, nothing of the other server:\n\(text)")
        #expect(!text.contains(":\(other.port)"))
        #expect(hark.terminationStatus == 0, "\((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        #expect(harkLeftovers(of: hark.processIdentifier).isEmpty, "nothing of hark's left in nftables or cgroups")
    }

    /// A long-lived h2c channel (as a gRPC client keeps one) opened before hark attaches to the client:
    /// its later calls are shown. The server listens on a port above the ephemeral range, so the
    /// client's port is the lower one and ports alone would make the client the server.
    @Test(.enabled(if: ToolProcess.locate("nghttpd") != nil && (try? ToolProcess.run("python3", ["-c", "import h2"],
        log: FileManager.default.temporaryDirectory.appendingPathComponent("hark-h2-\(getpid()).log")).status) == 0,
        "needs nghttpd (nghttp2-server) and python's h2 (.ci/run installs both)"))
    func aChannelOpenedBeforeAttachingShowsItsLaterCalls() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let port = try #require((61_000..<65_000).lazy.map { $0 + Int(getpid()) % 1_000 }.first { !ToolProcess.acceptsConnections(port: $0) })
        FileManager.default.createFile(atPath: servers.file("index.html").path, contents: Data("hello".utf8))
        let server = try ToolProcess.start("nghttpd", ["--no-tls", "-d", servers.directory.path, "\(port)"], log: servers.file("nghttpd.log"))
        defer { ToolProcess.kill(server) }
        try ToolProcess.waitForListener(on: port, log: servers.file("nghttpd.log"), of: server)
        let go = servers.file("go")
        let client = try ToolProcess.launch(
            "python3", [Fixtures.directory.appendingPathComponent("loopback/h2c_channel.py").path, "\(port)", go.path],
            log: servers.file("channel.log"), waitFor: "call 1")
        defer { ToolProcess.kill(client) }

        let (hark, output, errors) = try startHark(["trace", "--tcp", "--color", "never", "--pid", "\(client.processIdentifier)"], in: servers)
        defer { ToolProcess.kill(hark) }
        FileManager.default.createFile(atPath: go.path, contents: Data())
        try ToolProcess.waitFor("call 4", in: servers.file("channel.log"), of: client)
        waitForLines(" POST http://", count: 3, in: output)
        #expect(HarkBinary.interrupt(hark) == 0)

        let text = try String(contentsOf: output, encoding: .utf8)
        let calls = text.split(separator: "\n").filter { $0.contains(" POST http://127.0.0.1:\(port)/") }
        #expect(calls.count == 3, "calls 2, 3 and 4, client to server:\n\(text)\n\((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        #expect(calls.allSatisfy { $0.contains("127.0.0.1:\(port)  404") || $0.contains("127.0.0.1:\(port)  200") }, "with their status")
        #expect(text.contains("server listens on this machine"), "roles from the listening socket, not the ports' order")
    }

    @Test func pidRunEndsWhenTheProcessExits() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let server = try servers.startServer("server")
        defer { ToolProcess.kill(server.process) }
        let go = servers.file("go")
        let script = "while [ ! -e \(go.path) ]; do sleep 0.05; done; curl -s -o /dev/null http://127.0.0.1:\(server.port)/last; echo done"
        let client = try ToolProcess.start("sh", ["-c", script], log: servers.file("client.log"))
        defer { ToolProcess.kill(client) }
        let (hark, output, _) = try startHark(["trace", "--color", "never", "--pid", "\(client.processIdentifier)"], in: servers)
        defer { ToolProcess.kill(hark) }
        FileManager.default.createFile(atPath: go.path, contents: Data())
        let deadline = Date().addingTimeInterval(15)
        while hark.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!hark.isRunning, "hark ended by itself once the process exited")
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(text.contains("200") && text.contains("GET http://127.0.0.1:\(server.port)/last"), "the last exchange, drained:\n\(text)")
        #expect(harkLeftovers(of: hark.processIdentifier).isEmpty)
    }

    /// `-- curl https://…` against a local TLS server: decrypted live through the command's key log, and
    /// the file written with `-w` carries the secrets (Decryption Secrets Blocks) so that hark without
    /// `--keylog`, and tshark, decrypt it too.
    @Test(arguments: ["1.2", "1.3"])
    func commandHTTPSIsDecryptedLiveAndInTheWrittenFile(tlsVersion: String) throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let port = FreePort.next()
        let certificate = try ToolProcess.run(
            "openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
             "-keyout", servers.file("key.pem").path, "-out", servers.file("cert.pem").path],
            log: servers.file("openssl-req.log"))
        try #require(certificate.status == 0, "\(certificate.output)")
        let server = try ToolProcess.launch(
            "openssl",
            ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", servers.file("cert.pem").path, "-key", servers.file("key.pem").path,
             "-tls" + tlsVersion.replacingOccurrences(of: ".", with: "_"), "-www", "-naccept", "2"],
            log: servers.file("s_server.log"), waitFor: "ACCEPT")
        defer { ToolProcess.kill(server) }
        let written = servers.file("run.pcapng")
        let result = try HarkBinary.run([
            "trace", "--color", "never", "-w", written.path, "--", "curl", "-sk", "-o", "/dev/null", "https://127.0.0.1:\(port)/hello",
        ])
        #expect(result.status == 0, "curl's status: \(result.errors)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.contains { $0.contains(" 200 ") && $0.hasSuffix("GET https://127.0.0.1:\(port)/hello") },
            "a decrypted exchange with its status:\n\(result.output)\n\(result.errors)")

        let again = try HarkBinary.run(["trace", "--color", "never", written.path])
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.split(separator: "\n").filter { $0.contains(" GET https://") } == lines.filter { $0.contains(" GET https://") },
            "the written file gives the same exchange without --keylog:\n\(again.output)\n\(again.errors)")
        guard ToolProcess.locate("tshark") != nil else {
            Issue.record("tshark is not installed (.ci/run installs it): the written file was not checked with tshark")
            return
        }
        // openssl's -www answer has no length: tshark shows it once told not to wait for its end.
        let tshark = try ToolProcess.run(
            "tshark",
            ["-r", written.path, "-d", "tcp.port==\(port),tls", "-o", "http.desegment_body:FALSE", "-Y", "http", "-T", "fields",
             "-e", "http.request.uri", "-e", "http.response.code"],
            log: servers.file("tshark.log"))
        #expect(tshark.status == 0)
        #expect(TsharkOutput.lines(tshark.output) == ["/hello\t", "\t200"],
            "tshark decrypts the request and its response with the file's secrets:\n\(tshark.output)")
    }

    /// libpcap compiles no filter for NFLOG: hark runs `-f` on each packet's IP payload itself.
    @Test func aCaptureFilterKeepsOnlyWhatItSelects() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let first = try servers.startServer("first")
        defer { ToolProcess.kill(first.process) }
        let second = try servers.startServer("second")
        defer { ToolProcess.kill(second.process) }
        let script = "curl -s -o /dev/null http://127.0.0.1:\(first.port)/kept; curl -s -o /dev/null http://127.0.0.1:\(second.port)/left-out"
        let run = try HarkBinary.run(["trace", "--json", "-f", "tcp port \(first.port)", "--", "sh", "-c", script])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("/kept"), "\(run.output)")
        #expect(!run.output.contains("/left-out"), "\(run.output)")
        #expect(run.errors.contains("none dropped"), "what the filter rejects is not a drop: \(run.errors)")
        let broken = try HarkBinary.run(["trace", "-f", "tcp port", "--", "true"])
        #expect(broken.status != 0)
        #expect(broken.errors.contains("capture filter 'tcp port'"), "\(broken.errors)")
    }

    @Test func harksExitStatusIsTheCommands() throws {
        let failing = try HarkBinary.run(["trace", "--", "sh", "-c", "exit 3"])
        #expect(failing.status == 3, "\(failing.errors)")
        let unreachable = try HarkBinary.run(["trace", "--", "curl", "-s", "http://127.0.0.1:\(FreePort.next())/"])
        #expect(unreachable.status == 7, "curl: couldn't connect (\(unreachable.errors))")
        let noProcess = try HarkBinary.run(["trace", "--pid", "2147483647"])
        #expect(noProcess.status != 0)
        #expect(noProcess.errors == "Error: no such process 2147483647\n", "one line")
        let missing = try HarkBinary.run(["trace", "--", "hark-no-such-command"])
        #expect(missing.status != 0)
        #expect(missing.errors.contains("command not found: hark-no-such-command"))
    }

    @Test func underSudoTheCommandRunsAsTheInvokingUser() throws {
        let env = try #require(ToolProcess.locate("env"))
        let hark = try #require(HarkBinary.url)
        let result = try HarkBinary.run(
            ["SUDO_UID=65534", "SUDO_GID=65534", hark.path, "trace", "--", "sh", "-c", "echo uid=$(id -u) gid=$(id -g); test -w \"$SSLKEYLOGFILE\" && echo keylog-writable"],
            executable: env)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("uid=65534 gid=65534"), "\(result.output)")
        #expect(result.output.contains("keylog-writable"), "the key log belongs to the user")
    }

    @Test func withoutRootTheErrorSaysTrySudo() throws {
        guard let setpriv = ToolProcess.locate("setpriv") else {
            Issue.record("setpriv (util-linux) is not installed")
            return
        }
        let sleeper = try ToolProcess.start("sleep", ["30"], log: FileManager.default.temporaryDirectory.appendingPathComponent("hark-sleep-\(getpid()).log"))
        defer { ToolProcess.kill(sleeper) }
        let hark = try #require(HarkBinary.url)
        let result = try HarkBinary.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", hark.path, "trace", "--pid", "\(sleeper.processIdentifier)"],
            executable: setpriv)
        #expect(result.status != 0)
        #expect(result.errors.contains("needs root (CAP_NET_ADMIN) for --pid: try sudo"), "\(result.errors)")
    }
}
