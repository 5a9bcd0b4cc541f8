import CHarkLoader
import Glibc

/// Runs the `nft` tool: scripts on its standard input (`nft -f -`), listings of hark's tables.
///
/// hark drives nftables through its command-line tool rather than libnftables: the tool is what the
/// `nftables` package always installs, its script language is the documented interface, and a failing
/// script comes back as nft's own message.
struct NFTables {
    /// Where `nft` is.
    let executable: String

    /// Directories searched after `PATH`: nft lives in `/usr/sbin`, which a user's `PATH` may lack.
    static let fallbackDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin"]

    /// The installed `nft`, or nil.
    static func locate(path: String? = getenv("PATH").map { String(cString: $0) }) -> NFTables? {
        let directories = (path ?? "").split(separator: ":").map(String.init) + fallbackDirectories
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/nft"
            if access(candidate, X_OK) == 0 { return NFTables(executable: candidate) }
        }
        return nil
    }

    /// Runs `script`; throws nft's message when it fails.
    func run(_ script: String) throws(ProcessCaptureError) {
        let result = try execute(["-f", "-"], input: script)
        guard result.status == 0 else {
            throw ProcessCaptureError("nft failed: " + String(result.output.split(separator: "\n").joined(separator: "; ")))
        }
    }

    /// The names of the inet tables whose names start with `prefix`.
    func tables(prefixed prefix: String) -> [String] {
        guard let result = try? execute(["list", "tables", "inet"], input: ""), result.status == 0 else { return [] }
        return result.output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "table", fields[2].hasPrefix(prefix) else { return nil }
            return String(fields[2])
        }
    }

    /// The packets counted by the named counter `counter` of inet table `table` (`packets N` of
    /// `nft list counter`), reset to 0 in the same step when `reset`; nil when nft fails.
    func counterPackets(table: String, counter: String, reset: Bool) -> UInt64? {
        guard let result = try? execute([reset ? "reset" : "list", "counter", "inet", table, counter], input: ""),
            result.status == 0
        else { return nil }
        return Self.packets(inCounterListing: result.output)
    }

    /// The `N` of the `packets N bytes M` line of a counter's listing.
    static func packets(inCounterListing text: String) -> UInt64? {
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, fields[0] == "packets" { return UInt64(fields[1]) }
        }
        return nil
    }

    /// Runs nft with `arguments`, `input` on its standard input; returns its exit status and its
    /// standard output and error together.
    private func execute(_ arguments: [String], input: String) throws(ProcessCaptureError) -> (status: Int32, output: String) {
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        guard hark_pipe_cloexec(&toChild) == 0 else { throw .system("pipe", errno) }
        guard hark_pipe_cloexec(&fromChild) == 0 else {
            close(toChild[0])
            close(toChild[1])
            throw .system("pipe", errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard spawned == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw .nftablesUnavailable(systemMessage(spawned))
        }
        let bytes = Array(input.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(toChild[1], $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
        close(toChild[1])
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fromChild[0], $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            if output.count < 1 << 20 { output.append(contentsOf: chunk.prefix(count)) }
        }
        close(fromChild[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, String(decoding: output, as: UTF8.self))
    }
}
