import Glibc

/// Where the watched processes came from, written to `/run/hark/<cgroup>` so that the leftovers of a
/// killed run can be put back where they were, not just somewhere.
///
/// One line per process: `PID PATH` (PATH its cgroup2 path before the move). The file is written as
/// processes are moved and removed when the capture ends; without a writable `/run`, nothing is kept
/// and leftovers go to the root cgroup.
struct OriginRecord {
    static let directory = "/run/hark"
    let path: String

    init(cgroup: String) {
        path = Self.directory + "/" + cgroup
    }

    /// Appends lines for processes just moved.
    func append(_ origins: [(pid: Int32, path: String)]) {
        guard !origins.isEmpty else { return }
        mkdir(Self.directory, 0o700)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let text = origins.map { "\($0.pid) \($0.path)\n" }.joined()
        _ = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// The recorded origins, in the order written.
    func read() -> [(pid: Int32, path: String)] {
        (SystemFiles.read(path) ?? "").split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " "), let pid = Int32(line[..<space]) else { return nil }
            return (pid, String(line[line.index(after: space)...]))
        }
    }

    func remove() {
        unlink(path)
    }
}
