import Glibc

/// The cgroup v2 hierarchy and hark's cgroups in it.
///
/// Works on pure cgroup2 systems (mounted at `/sys/fs/cgroup`) and hybrid ones (cgroup2 beside the v1
/// controllers, at `/sys/fs/cgroup/unified`): the mount is found in `/proc/self/mounts`. nftables'
/// `socket cgroupv2` names a cgroup by its path under `/sys/fs/cgroup`, so that path is kept too.
struct CgroupHierarchy: Hashable {
    /// Where cgroup2 is mounted.
    let mountPoint: String

    /// The mounted cgroup2 hierarchy, or nil when none is mounted.
    static func find(mounts: String? = SystemFiles.read("/proc/self/mounts")) -> CgroupHierarchy? {
        guard let mounts else { return nil }
        var candidates: [String] = []
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, fields[2] == "cgroup2" else { continue }
            candidates.append(unescapeMountPath(String(fields[1])))
        }
        // Prefer the one nftables can name (under /sys/fs/cgroup).
        let chosen = candidates.first { $0 == "/sys/fs/cgroup" || $0.hasPrefix("/sys/fs/cgroup/") } ?? candidates.first
        return chosen.map { CgroupHierarchy(mountPoint: $0) }
    }

    /// The directory of the top-level cgroup `name`.
    func path(of name: String) -> String {
        mountPoint + "/" + name
    }

    /// How nftables names the top-level cgroup `name`: its path relative to `/sys/fs/cgroup`
    /// (`hark-…` on a pure cgroup2 system, `unified/hark-…` on a hybrid one). `socket cgroupv2 level 1`
    /// then matches sockets of that cgroup and of every cgroup below it.
    func nftablesPath(of name: String) -> String {
        let base = "/sys/fs/cgroup"
        if mountPoint == base { return name }
        if mountPoint.hasPrefix(base + "/") { return String(mountPoint.dropFirst(base.count + 1)) + "/" + name }
        // Elsewhere: a relative path from /sys/fs/cgroup still resolves.
        return "../../.." + mountPoint + "/" + name
    }

    /// Creates the top-level cgroup `name`.
    func create(_ name: String) throws(ProcessCaptureError) {
        guard mkdir(path(of: name), 0o755) == 0 else {
            throw .system("cannot create cgroup \(path(of: name))", errno)
        }
    }

    /// Removes the cgroup `name` (it must hold no process); returns whether it is gone.
    @discardableResult
    func remove(_ name: String) -> Bool {
        rmdir(path(of: name)) == 0 || errno == ENOENT
    }

    /// The top-level cgroups whose names start with `prefix`.
    func cgroups(prefixed prefix: String) -> [String] {
        SystemFiles.list(mountPoint).filter { $0.hasPrefix(prefix) }
    }

    /// The processes in cgroup `name`.
    func processes(in name: String) -> [Int32] {
        (SystemFiles.read(path(of: name) + "/cgroup.procs") ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    /// Moves `pid` (all its threads) into the cgroup at `relativePath` (`/` for the root); returns 0 or
    /// the errno of the failure (ESRCH: the process is gone).
    @discardableResult
    func move(_ pid: Int32, to relativePath: String) -> Int32 {
        let directory = relativePath == "/" ? mountPoint : mountPoint + relativePath
        return SystemFiles.write("\(pid)", to: directory + "/cgroup.procs")
    }

    /// The cgroup2 path of `pid` (`/user.slice/…`, `/` for the root), from the `0::` line of
    /// `/proc/PID/cgroup`; nil when the process is gone.
    static func cgroup(of pid: Int32) -> String? {
        guard let text = SystemFiles.read("/proc/\(pid)/cgroup", limit: 1 << 16) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            return String(line.dropFirst(3))
        }
        return nil
    }

    /// /proc/self/mounts escapes space, tab, newline and backslash as octal (`\040`).
    private static func unescapeMountPath(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
                let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
