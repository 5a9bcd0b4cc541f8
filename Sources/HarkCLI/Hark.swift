import ArgumentParser

/// The `hark` command: HTTP conversations straight from packet captures.
@main
struct Hark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hark",
        abstract: "Show what programs say to each other over HTTP, straight from the packets.",
        version: "0.1.0",
        subcommands: [Har.self, Trace.self, Stats.self, Connections.self]
    )
}
