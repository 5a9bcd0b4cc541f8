import Glibc

/// The names a capture gives what it adds to the system, and how a leftover is recognised.
///
/// A name carries its owner's pid and start time (`hark_4242_987654_1` for the nft table,
/// `hark-4242-987654-1` for the cgroup): while that process lives it is in use; once the pid is gone or
/// belongs to a process started at another time, it is a leftover of a run that was killed.
struct CaptureName: Hashable {
    var pid: Int32
    var startTime: UInt64
    var serial: Int

    /// The nft table's name.
    var table: String { "hark_\(pid)_\(startTime)_\(serial)" }
    /// The cgroup's name.
    var cgroup: String { "hark-\(pid)-\(startTime)-\(serial)" }

    static let tablePrefix = "hark_"
    static let cgroupPrefix = "hark-"

    /// Parses a table or cgroup name made by this type; nil for other names.
    init?(parsing name: String) {
        let fields = name.split(separator: name.hasPrefix(Self.tablePrefix) ? "_" : "-")
        guard fields.count == 4, fields[0] == "hark", let pid = Int32(fields[1]), let start = UInt64(fields[2]),
            let serial = Int(fields[3])
        else { return nil }
        self.init(pid: pid, startTime: start, serial: serial)
    }

    init(pid: Int32, startTime: UInt64, serial: Int) {
        self.pid = pid
        self.startTime = startTime
        self.serial = serial
    }

    /// Whether the run that made this name has ended.
    var isLeftover: Bool {
        ProcessTable.status(pid)?.startTime != startTime
    }
}
