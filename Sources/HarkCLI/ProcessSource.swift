/// `--pid PID…`: the traffic of these processes and their descendants, live (cgroup v2 + nftables +
/// NFLOG, read as a `LiveCapture` of `nflog:GROUP`; see LIVE-AND-VIEWS.md §3). Not built yet: it comes
/// with the rest of issue #11, and fills in this function and `openCommandSource`.
func openProcessSource(pids: [Int32], captureFilter: String?) throws -> OpenedSource {
    throw RunError("--pid is not available yet (issue #11); capture an interface with -i instead")
}

/// `-- CMD ARGS…`: starts the command inside the capture with SSLKEYLOGFILE set, and reads its
/// traffic live until it exits. Not built yet (see `openProcessSource`).
func openCommandSource(_ arguments: [String], captureFilter: String?) throws -> OpenedSource {
    throw RunError("-- COMMAND is not available yet (issue #11); capture an interface with -i instead")
}
