import CHarkLoader
import Glibc

/// A thread that waits for watched processes to end: every root of `--pid`, or the launched command
/// (which it reaps, for its exit status). It polls a pidfd per process (readable once the process has
/// exited, zombie or not) and an eventfd that `stop` writes; without pidfds (kernels before 5.3) it
/// checks every 100 ms.
final class EndWatcher: @unchecked Sendable {
    private let roots: [pid_t]
    private let child: pid_t?
    private let ended: (Int32?) -> Void
    private let stopEvent: Int32
    private var thread: pthread_t?

    init(roots: [pid_t], child: pid_t?, ended: @escaping (Int32?) -> Void) {
        self.roots = roots
        self.child = child
        self.ended = ended
        self.stopEvent = hark_eventfd()
    }

    deinit {
        if stopEvent >= 0 { close(stopEvent) }
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let watcher = Unmanaged<EndWatcher>.fromOpaque(context).takeRetainedValue()
            watcher.run()
            return nil
        }, context) == 0 else {
            Unmanaged<EndWatcher>.fromOpaque(context).release()
            return
        }
        self.thread = thread
    }

    /// Ends the thread (without calling `ended` if it has not been called) and waits for it.
    func stop() {
        var one: UInt64 = 1
        _ = write(stopEvent, &one, 8)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    /// Reaps `pid` (our child) if it has exited, waiting for it; its exit status, or nil when it was
    /// reaped already.
    static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while true {
            if waitpid(pid, &status, 0) == pid { return Self.exitStatus(status) }
            if errno != EINTR { return nil }
        }
    }

    /// Asks a child that has not been reaped to end, with every other process of `cgroup` (what it
    /// started): SIGTERM, then SIGKILL to those still there after 2 s.
    static func terminate(_ pid: pid_t, with cgroup: String, in hierarchy: CgroupHierarchy) {
        let signalAll = { (signal: Int32) in
            for member in hierarchy.processes(in: cgroup) where member != pid { kill(member, signal) }
            if !hasExited(pid) { kill(pid, signal) }
        }
        signalAll(SIGTERM)
        for _ in 0..<200 {
            if hasExited(pid), hierarchy.processes(in: cgroup).isEmpty { return }
            usleep(10_000)
        }
        signalAll(SIGKILL)
    }

    /// The shell's view of a wait status: the exit code, or 128 + the signal.
    static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private func run() {
        var remaining = roots
        var descriptors: [pid_t: Int32] = [:]
        for pid in roots {
            let descriptor = hark_pidfd_open(pid)
            if descriptor >= 0 { descriptors[pid] = descriptor }
        }
        defer { descriptors.values.forEach { close($0) } }
        while !remaining.isEmpty {
            var polled = [pollfd(fd: stopEvent, events: Int16(POLLIN), revents: 0)]
            polled += remaining.compactMap { descriptors[$0] }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let allHavePidfds = remaining.allSatisfy { descriptors[$0] != nil }
            let count = poll(&polled, nfds_t(polled.count), allHavePidfds ? -1 : 100)
            if count < 0, errno != EINTR { return }
            if polled[0].revents != 0 { return }
            remaining.removeAll { pid in
                if let descriptor = descriptors[pid] {
                    return polled.contains { $0.fd == descriptor && $0.revents != 0 }
                }
                return pid == child ? Self.hasExited(pid) : !ProcessTable.exists(pid)
            }
        }
        if let child {
            ended(Self.reap(child))
        } else {
            ended(nil)
        }
    }

    /// Whether our child has exited (without reaping it).
    static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid
    }
}
