import ArgumentParser

/// Where the capture comes from: shared by every subcommand that reads one.
struct InputOptions: ParsableArguments {
    @Argument(help: "A pcap or pcapng file, or - for standard input (e.g. tcpdump -U -w - | hark …).", completion: .file())
    var capture: String = "-"
}
