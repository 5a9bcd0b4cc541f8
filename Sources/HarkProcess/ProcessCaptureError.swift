/// Why a process could not be watched, as one line for the user: what went wrong and what to do.
public struct ProcessCaptureError: Error, CustomStringConvertible, Hashable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    /// The `nft` tool is missing, or the kernel has no nf_tables.
    static func nftablesUnavailable(_ detail: String? = nil) -> Self {
        Self("nftables not available: install nftables" + (detail.map { " (\($0))" } ?? ""))
    }

    /// Not root (no CAP_NET_ADMIN); `what` names the option that needs it (`--pid`, `-- CMD`).
    static func needsRoot(for what: String) -> Self {
        Self("needs root (CAP_NET_ADMIN) for \(what): try sudo")
    }

    static func noSuchProcess(_ pid: Int32) -> Self {
        Self("no such process \(pid)")
    }

    static func otherNetworkNamespace(_ pid: Int32) -> Self {
        Self("process \(pid) is in another network namespace: run hark inside it (nsenter -t \(pid) -n hark …)")
    }

    static func noCgroup2() -> Self {
        Self("no cgroup v2 hierarchy mounted (looked in /proc/self/mounts): mount one with mount -t cgroup2 none /sys/fs/cgroup/unified")
    }

    static func commandNotFound(_ name: String) -> Self {
        Self("command not found: \(name)")
    }

    static func system(_ what: String, _ errno: Int32) -> Self {
        Self("\(what): \(systemMessage(errno))")
    }
}
