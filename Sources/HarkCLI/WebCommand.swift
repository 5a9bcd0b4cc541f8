import ArgumentParser
import Glibc
import HarkFormat
import HarkWeb

extension Hark {
    /// `hark web`: the browser timeline, served on 127.0.0.1 while the capture is read.
    struct Web: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the browser timeline of a capture (connections, packets, exchanges) on 127.0.0.1.",
            discussion: """
                Prints a URL with a random token that every request must carry. A capture read from a pipe \
                (tcpdump -U -w - | hark web -) is shown live: the page follows the newest time unless you \
                scroll away. The server runs until interrupted (Ctrl-C).

                Examples:
                  hark web capture.pcap                    (prints the URL to open)
                  hark web --open --no-bodies capture.pcap
                  tcpdump -i eth0 -U -w - | hark web -
                """
        )

        @OptionGroup var input: InputOptions

        @Option(help: "Listen on this port of 127.0.0.1 (default: a free one).")
        var port = 0

        @Flag(help: "Open the page in the default browser (xdg-open).")
        var open = false

        @Flag(help: "Keep no bodies (the page shows sizes only).")
        var noBodies = false

        @Option(help: "Packets sent to the page one by one (the rest are drawn aggregated, and the page says how many): a larger number draws more.")
        var maxPackets = 50_000

        func validate() throws {
            if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
            if maxPackets < 0 { throw ValidationError("--max-packets must be 0 or more") }
            // A file is checked before the server starts; standard input is opened after (it may wait).
            switch input.source {
            case .file(let path) where path != "-", .replayedFile(let path):
                if access(path, R_OK) != 0 { throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))") }
            default: break
            }
        }

        func run() throws {
            let run = TimelineRun(input: input, keepsBodies: !noBodies, decodesContent: !noBodies)
            var options = TimelineOptions()
            options.includesBodies = !noBodies
            options.maxPackets = maxPackets
            let timeline = StoreTimeline(
                store: run.store, source: input.source.displayName, live: input.source.isFollowed,
                options: options
            )
            let server: WebServer
            do {
                server = try WebServer.start(provider: timeline, port: port)
            } catch {
                throw RunError("cannot listen on 127.0.0.1:\(port): \(error)")
            }
            let standardOutput = standardOutputLines(following: true)
            standardOutput.writeLine("hark web: \(server.url)")
            standardOutput.flush()
            if open { openBrowser(server.url) }
            let statistics = try run.analyse()
            try run.diagnostics.finish(statistics)
            try server.wait()
        }
    }
}

/// Starts `xdg-open URL` without waiting for it; a failure is reported, not fatal (the URL is printed).
private func openBrowser(_ url: String) {
    var pid = pid_t()
    let arguments = ["xdg-open", url]
    var pointers = arguments.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    let status = posix_spawnp(&pid, "xdg-open", nil, nil, pointers, environ)
    if status != 0 {
        let standardError = LineWriter(sink: FileDescriptorSink.standardError(), flushEachLine: true)
        standardError.writeLine("hark: cannot start xdg-open: \(String(cString: strerror(status)))")
    }
}
