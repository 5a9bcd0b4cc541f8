import Glibc

/// What `/proc` says about processes: parents, start times, descendants, network namespaces.
///
/// Descendants are found by scanning every `/proc/PID/stat` for its parent: the kernel's
/// `/proc/PID/task/TID/children` list needs `CONFIG_PROC_CHILDREN`, which kernels often lack.
enum ProcessTable {
    /// The fields of `/proc/PID/stat` hark uses.
    struct Status: Hashable {
        var parent: Int32
        /// Start time in clock ticks after boot: with the pid, it names one process for good (pids are reused).
        var startTime: UInt64
    }

    /// The status of `pid`, or nil when there is no such process.
    static func status(_ pid: Int32) -> Status? {
        guard let text = SystemFiles.read("/proc/\(pid)/stat", limit: 4096) else { return nil }
        return parseStat(text)
    }

    /// Parses a `/proc/PID/stat` line. The command name (field 2) is in parentheses and may hold spaces
    /// and parentheses itself, so fields are counted from the last `)`.
    static func parseStat(_ text: String) -> Status? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state (3), ppid (4), … starttime (22).
        guard fields.count > 19, let parent = Int32(fields[1]), let start = UInt64(fields[19]) else { return nil }
        return Status(parent: parent, startTime: start)
    }

    /// Whether `pid` exists.
    static func exists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Every process's parent, from one scan of `/proc`.
    static func parents() -> [Int32: Int32] {
        var parents: [Int32: Int32] = [:]
        for name in SystemFiles.list("/proc") {
            guard let pid = Int32(name), let status = status(pid) else { continue }
            parents[pid] = status.parent
        }
        return parents
    }

    /// `roots` and all their descendants alive now, roots first.
    static func tree(of roots: [Int32]) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for (pid, parent) in parents() {
            children[parent, default: []].append(pid)
        }
        var found: [Int32] = []
        var seen = Set<Int32>()
        var queue = roots
        while let pid = queue.popLast() {
            guard seen.insert(pid).inserted else { continue }
            found.append(pid)
            queue.append(contentsOf: children[pid] ?? [])
        }
        return found
    }

    /// Whether `pid` lives in the network namespace of this process (nftables rules see only their own).
    static func sharesNetworkNamespace(_ pid: Int32) -> Bool {
        guard let own = SystemFiles.readLink("/proc/self/ns/net"),
            let other = SystemFiles.readLink("/proc/\(pid)/ns/net")
        else { return true }
        return own == other
    }

    /// Whether this process has CAP_NET_ADMIN in its effective set (`CapEff` in `/proc/self/status`).
    static func hasNetAdmin() -> Bool {
        guard let text = SystemFiles.read("/proc/self/status", limit: 1 << 16) else { return false }
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = line.dropFirst("CapEff:".count).trimmingPrefix { $0 == " " || $0 == "\t" }
            guard let mask = UInt64(hex, radix: 16) else { return false }
            return mask & (1 << 12) != 0  // CAP_NET_ADMIN is capability 12.
        }
        return false
    }
}
