import Foundation
import Glibc
import HarkTestSupport
import Testing

/// The times of a `--pid` capture: NFLOG stamps only the packets of input hooks; a watched client's
/// requests leave through the output hook, and read with the time hark read them, requests read late
/// were placed after their responses: negative latencies. On loopback hark's table now logs them on
/// their way in (kernel-timed); to other machines they still take their read time, bounded by
/// `NFLOGClock`. The same exchanges seen on `lo` at the same time (AF_PACKET, the kernel's times for
/// every packet) are the reference, for a client that sends a request now and then and for a busy one,
/// whose traffic makes hark's reader sleep through the NFLOG messages (`NFLOGBatching`).
@Suite(.serialized, .enabled(if: canCaptureProcesses && HarkBinary.url != nil, "needs root, nft, python3, curl and the hark executable"))
struct PidTimingTests {
    /// `url → (latency, time to first byte)` of the exchange lines of `trace --json` output.
    private func timings(_ file: URL) throws -> [String: (latency: Double, ttfb: Double)] {
        var found: [String: (latency: Double, ttfb: Double)] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["type"] as? String == "exchange", let url = object["url"] as? String,
                let latency = object["latency_ms"] as? Double, let ttfb = object["ttfb_ms"] as? Double
            else { continue }
            found[url] = (latency, ttfb)
        }
        return found
    }

    @Test func aWatchedClientsLatenciesAreNeverNegativeAndAgreeWithTheInterface() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let server = try servers.startServer("server")
        defer { ToolProcess.kill(server.process) }
        try compareCurlsWithTheInterface(to: "127.0.0.1", server: server, in: servers, interface: "lo")
    }

    /// A watched client talking to another host (a server in a network namespace, over a veth pair):
    /// its requests leave through the output hook and carry no kernel time, so hark reads them one a
    /// message and bounds their time by the response's (`NFLOGClock`); the interface's capture of the
    /// veth is the reference.
    @Test(.enabled(if: ToolProcess.locate("ip") != nil, "needs ip (iproute2) for a network namespace"))
    func aWatchedClientTalkingToAnotherHostHasTheInterfacesTimes() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let network = try VethNamespace.make(in: servers)
        defer { network.remove() }
        let server = try servers.startServer("server", host: network.peerAddress, namespace: network.namespace)
        defer { ToolProcess.kill(server.process) }
        try compareCurlsWithTheInterface(to: network.peerAddress, server: server, in: servers, interface: network.hostInterface)
    }

    /// A shell client that waits for the file `go`, then runs curl 30 times against the server at
    /// `host`, one request each, compared with what `interface` shows (`compareWithTheInterface`).
    private func compareCurlsWithTheInterface(
        to host: String, server: (process: Process, port: Int), in servers: LoopbackServers, interface: String
    ) throws {
        let requests = 30
        let go = servers.file("go")
        let script = "while [ ! -e \(go.path) ]; do sleep 0.05; done; "
            + "for i in $(seq 1 \(requests)); do curl -s -o /dev/null http://\(host):\(server.port)/request-$i; done"
        let client = try ToolProcess.start("sh", ["-c", script], log: servers.file("client.log"))
        defer { ToolProcess.kill(client) }
        try compareWithTheInterface(client: client, server: server, go: go, in: servers, interface: interface) { watched, _ in
            #expect(watched == requests)
        }
    }

    /// Keep-alive requests on 4 connections for 1.5 s as fast as a Python server answers (hundreds a
    /// second, several packets a millisecond, all of them kernel-timed): hark's reader sleeps through
    /// the NFLOG messages and takes them every 40 ms, and the times are still the kernel's.
    @Test func aBusyWatchedClientsTimesAreTheKernels() throws {
        let servers = try LoopbackServers.make()
        defer { servers.remove() }
        let server = try servers.startServer("server")
        defer { ToolProcess.kill(server.process) }
        let go = servers.file("go")
        let log = servers.file("client.log")
        let client = try KeepAliveBurstClient.start(port: server.port, in: go, connections: 4, seconds: 1.5, servers: servers, log: log)
        defer { ToolProcess.kill(client) }
        try compareWithTheInterface(client: client, server: server, go: go, in: servers) { watched, reference in
            let answered = KeepAliveBurstClient.answered(in: log)
            // Enough to keep the NFLOG group above a packet a millisecond (the reader's threshold).
            #expect((answered ?? 0) >= 300, "the client got \(answered ?? -1) answers")
            #expect(watched == answered)
            #expect(reference == answered)
        }
    }

    /// Runs `hark trace --pid CLIENT` and `hark trace -i INTERFACE` on the server's port, lets the client go
    /// (creating `go`) and, once it has exited, checks that every exchange has a latency and time to
    /// first byte that are not negative and within 1 ms of the interface's; `counts` gets the number
    /// of exchanges each saw.
    private func compareWithTheInterface(
        client: Process, server: (process: Process, port: Int), go: URL, in servers: LoopbackServers, interface: String = "lo",
        counts: (_ watched: Int, _ reference: Int) -> Void
    ) throws {
        let pidOutput = servers.file("pid.out"), pidErrors = servers.file("pid.err")
        let pid = try HarkBinary.start(["trace", "--json", "--pid", "\(client.processIdentifier)"], output: pidOutput, errors: pidErrors)
        defer { ToolProcess.kill(pid) }
        let loOutput = servers.file("lo.out"), loErrors = servers.file("lo.err")
        let lo = try HarkBinary.start(["trace", "--json", "-i", interface, "-f", "tcp port \(server.port)"], output: loOutput, errors: loErrors)
        defer { ToolProcess.kill(lo) }
        try ToolProcess.waitFor("hark: capturing", in: pidErrors, of: pid)
        try ToolProcess.waitFor("listening on \(interface)", in: loErrors, of: lo)

        FileManager.default.createFile(atPath: go.path, contents: Data())
        // The --pid run ends by itself once the client has exited.
        let deadline = Date().addingTimeInterval(30)
        while pid.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!pid.isRunning)
        #expect(HarkBinary.interrupt(lo) == 0)

        let watched = try timings(pidOutput)
        let reference = try timings(loOutput)
        counts(watched.count, reference.count)
        #expect(watched.count == reference.count, "\((try? String(contentsOf: pidErrors, encoding: .utf8)) ?? "")")
        for (url, times) in watched.sorted(by: { $0.key < $1.key }) {
            #expect(times.latency >= 0 && times.ttfb >= 0, "\(url): latency \(times.latency) ms, first byte \(times.ttfb) ms")
            guard let seen = reference[url] else { continue }
            // Measured: within 0.03 ms of the interface's; a read time instead of the kernel's is off
            // by as long as hark took to read.
            #expect(abs(times.latency - seen.latency) < 1, "\(url): \(times.latency) ms watched, \(seen.latency) ms on \(interface)")
            #expect(abs(times.ttfb - seen.ttfb) < 1, "\(url): first byte \(times.ttfb) ms watched, \(seen.ttfb) ms on \(interface)")
        }
    }
}
