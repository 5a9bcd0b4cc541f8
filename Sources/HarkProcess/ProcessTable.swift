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
    ///
    /// Read as bytes: `--pid` reads every process's line at start (`parents()`), and splitting them as
    /// `Character`s took about 160,000 instructions a line, most of the start-up's own work.
    static func parseStat(_ text: String) -> Status? {
        let bytes = Array(text.utf8)
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close &+ 1)...].split(separator: UInt8(ascii: " "))
        // After the name: state (3), ppid (4), … starttime (22).
        guard fields.count > 19,
            let parent = Int32(String(decoding: fields[1], as: UTF8.self)),
            let start = UInt64(String(decoding: fields[19], as: UTF8.self))
        else { return nil }
        return Status(parent: parent, startTime: start)
    }

    /// Whether `pid` exists.
    static func exists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// `pid` and its ancestors up to init.
    static func ancestors(of pid: Int32) -> Set<Int32> {
        var found: Set<Int32> = [pid]
        var current = pid
        while let parent = status(current)?.parent, parent > 0, found.insert(parent).inserted {
            current = parent
        }
        return found
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
