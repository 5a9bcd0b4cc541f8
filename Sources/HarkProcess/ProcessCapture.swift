import CHarkLoader
import Glibc

/// Captures exactly the traffic of chosen processes and their descendants (`hark --pid PID`), or of a
/// command hark starts (`hark -- CMD`), by putting them in a cgroup v2 that an nftables table logs to
/// an NFLOG group; a live capture of `device` (libpcap's `nflog:G`) then sees their packets, both
/// directions, IPv4 and IPv6, loopback included, and nothing of other processes.
///
/// Attaching to running processes moves them and their descendants into the cgroup (children forked
/// later inherit it) and adds the TCP sockets they already hold to the table's sets: their open
/// connections are seen from the moment of attaching, and connections accepted later on listeners
/// they already had as well (an accepted socket belongs to its listener's cgroup).
///
/// Everything added to the system is removed by `close()` (also run at `exit`): processes go back to
/// their cgroups, the table and the cgroup are deleted. A run killed before it could do so leaves
/// them behind; the next capture removes them first (`Leftovers`).
///
/// ### Example
/// ```swift
/// let capture = try ProcessCapture.launch(["curl", "-s", "https://example.com"])
/// // open capture.device with libpcap, then:
/// try capture.start { /* the command ended: drain, then stop */ }
/// // … run the session …
/// capture.close()
/// exit(capture.commandStatus ?? 0)
/// ```
public final class ProcessCapture: @unchecked Sendable {
    /// The libpcap device the packets arrive on: `nflog:<group>`.
    public let device: String
    /// The NFLOG group the table logs to.
    public let group: UInt16
    /// The nft table's name (`hark_…`).
    public var tableName: String { setup.name.table }
    /// The cgroup's name (`hark-…`, directly under the cgroup2 root).
    public var cgroupName: String { setup.name.cgroup }
    /// hark's test packet for this capture: once it came through `device`, the capture runs.
    public var deliveryProbe: DeliveryProbe { DeliveryProbe(group: group) }
    /// The packets the table's rules logged to the group (hark's test packets not included) since the
    /// last reset, read and reset to 0 in the same step when `reset`; nil when nft cannot say.
    public func loggedPackets(reset: Bool) -> UInt64? {
        setup.nft.counterPackets(table: setup.name.table, counter: CaptureRuleset.loggedCounter, reset: reset)
    }
    /// The key log a launched command writes its TLS secrets to (nil for `attach`).
    public var keyLogPath: String? { keyLogDirectory?.keyLog }

    private let setup: CaptureSetup
    private let keyLogDirectory: KeyLogDirectory?
    private let launcher: CommandLauncher?
    /// The processes watched for the end: the attached roots, or the launched command.
    private let roots: [pid_t]
    /// Where each moved process was before; processes born inside go where their first root came from.
    private let origins: [Int32: String]
    private let fallbackOrigin: String

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Guarded by `lock`.
    private var isClosed = false
    private var status: Int32?
    private var watcher: EndWatcher?

    private init(
        setup: CaptureSetup, keyLogDirectory: KeyLogDirectory?, launcher: CommandLauncher?, roots: [pid_t],
        origins: [Int32: String], fallbackOrigin: String
    ) {
        self.setup = setup
        self.keyLogDirectory = keyLogDirectory
        self.launcher = launcher
        self.roots = roots
        self.origins = origins
        self.fallbackOrigin = fallbackOrigin
        self.group = setup.ruleset.group
        self.device = "nflog:\(setup.ruleset.group)"
        pthread_mutex_init(lock, nil)
        OpenCaptures.register(self)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// Watches running processes and all their descendants.
    ///
    /// - Throws: `no such process PID`, a process in another network namespace, nftables missing, not
    ///   root; nothing is left on the system when it throws.
    public static func attach(to pids: [Int32]) throws(ProcessCaptureError) -> ProcessCapture {
        let ancestors = ProcessTable.ancestors(of: getpid())
        for pid in pids {
            guard pid > 0, ProcessTable.exists(pid) else { throw .noSuchProcess(pid) }
            // Every process descends from init, and hark would capture itself: refuse rather than move
            // the whole system, or hark, into the cgroup.
            guard pid != 1, !ancestors.contains(pid) else { throw .ownAncestor(pid) }
            guard ProcessTable.sharesNetworkNamespace(pid) else { throw .otherNetworkNamespace(pid) }
        }
        let setup = try CaptureSetup.create(for: "--pid")
        let record = OriginRecord(cgroup: setup.name.cgroup)
        var origins: [Int32: String] = [:]
        var moved = Set<Int32>()
        do throws(ProcessCaptureError) {
            // Children forked while their parent is moved are found on the next round.
            for _ in 0..<8 {
                let fresh = ProcessTable.tree(of: pids).filter { !moved.contains($0) }
                if fresh.isEmpty { break }
                var recorded: [(pid: Int32, path: String)] = []
                for pid in fresh {
                    moved.insert(pid)
                    guard let origin = CgroupHierarchy.cgroup(of: pid) else { continue }
                    let failure = setup.hierarchy.move(pid, to: setup.cgroupPath)
                    if failure == ESRCH { continue }
                    if failure != 0 {
                        guard pids.contains(pid) else { continue }  // a child that cannot move keeps its own cgroup
                        throw ProcessCaptureError.system("cannot move process \(pid) into \(setup.cgroupPath)", failure)
                    }
                    if origin != setup.cgroupPath {
                        origins[pid] = origin
                        recorded.append((pid, origin))
                    }
                }
                record.append(recorded)
            }
            var inodes = Set<UInt64>()
            for pid in moved { inodes.formUnion(SocketTable.socketInodes(of: pid)) }
            let seeded = SocketTable.all().filter { inodes.contains($0.inode) }
            let script = setup.ruleset.seedingScript(seeded)
            if !script.isEmpty { try setup.nft.run(script) }
        } catch {
            setup.remove(origins: origins, fallback: pids.first.flatMap { origins[$0] } ?? "/")
            throw error
        }
        return ProcessCapture(
            setup: setup, keyLogDirectory: nil, launcher: nil, roots: pids, origins: origins,
            fallbackOrigin: pids.first.flatMap { origins[$0] } ?? "/")
    }

    /// Prepares `command` (program and arguments): the cgroup, the table, the key log, and the command
    /// itself, forked and waiting inside the cgroup until `start` (under sudo, it will run as the
    /// invoking user). With `outputPath`, the command's standard output and error go to that file and
    /// its standard input is `/dev/null` (for views that own the terminal); else it shares hark's.
    ///
    /// - Throws: `command not found: NAME`, nftables missing, not root, the output file cannot be
    ///   written; nothing is left when it throws.
    public static func launch(_ command: [String], outputPath: String? = nil) throws(ProcessCaptureError) -> ProcessCapture {
        guard let name = command.first else { throw ProcessCaptureError("no command given after --") }
        guard CommandLauncher.resolve(name) != nil else { throw .commandNotFound(name) }
        let ownCgroup = CgroupHierarchy.cgroup(of: getpid()) ?? "/"
        let setup = try CaptureSetup.create(for: "-- CMD")
        let user = InvokingUser.fromSudo()
        let directory: KeyLogDirectory
        let launcher: CommandLauncher
        do throws(ProcessCaptureError) {
            directory = try KeyLogDirectory.create(for: setup.name, owner: user.map { ($0.uid, $0.gid) })
            do throws(ProcessCaptureError) {
                launcher = try CommandLauncher.spawn(
                    command, cgroupProcs: setup.hierarchy.path(of: setup.name.cgroup) + "/cgroup.procs",
                    keyLog: directory.keyLog, user: user, outputPath: outputPath)
            } catch {
                directory.remove()
                throw error
            }
        } catch {
            setup.remove(origins: [:], fallback: ownCgroup)
            throw error
        }
        OriginRecord(cgroup: setup.name.cgroup).append([(launcher.pid, ownCgroup)])
        return ProcessCapture(
            setup: setup, keyLogDirectory: directory, launcher: launcher, roots: [launcher.pid],
            origins: [launcher.pid: ownCgroup], fallbackOrigin: ownCgroup)
    }

    /// Call once the capture of `device` is running: lets a launched command run, and watches for the
    /// end of the watched processes (all attached roots gone, or the command exited), when `ended` is
    /// called once, on another thread.
    ///
    /// - Throws: when the launched command could not be executed (then `ended` is not called).
    public func start(ended: @escaping @Sendable () -> Void) throws(ProcessCaptureError) {
        try launcher?.release()
        let watcher = EndWatcher(roots: roots, child: launcher?.pid) { [weak self] status in
            if let self {
                pthread_mutex_lock(self.lock)
                self.status = status
                pthread_mutex_unlock(self.lock)
            }
            ended()
        }
        pthread_mutex_lock(lock)
        self.watcher = watcher
        pthread_mutex_unlock(lock)
        watcher.start()
    }

    /// The launched command's exit status (128 + the signal when a signal ended it), once it ended;
    /// nil for `attach` and while it runs.
    public var commandStatus: Int32? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return status
    }

    /// Removes everything the capture added: a launched command still running gets SIGTERM (SIGKILL
    /// after 2 s), and so does every process it started (the processes in the cgroup); attached
    /// processes go back to their cgroups; the table, the cgroup and the key log are deleted. Safe to
    /// call more than once and from any thread.
    public func close() {
        pthread_mutex_lock(lock)
        let alreadyClosed = isClosed
        isClosed = true
        let watcher = self.watcher
        pthread_mutex_unlock(lock)
        guard !alreadyClosed else { return }
        watcher?.stop()
        if let launcher, commandStatus == nil {
            if watcher == nil { launcher.abandon() }  // never released: the child exits by itself
            EndWatcher.terminate(launcher.pid, with: setup.name.cgroup, in: setup.hierarchy)
            let status = EndWatcher.reap(launcher.pid)
            pthread_mutex_lock(lock)
            if watcher != nil { self.status = status }
            pthread_mutex_unlock(lock)
        }
        setup.remove(origins: origins, fallback: fallbackOrigin)
        keyLogDirectory?.remove()
        OpenCaptures.unregister(self)
    }
}

/// The captures not yet closed, closed at `exit` so that no path out of hark leaves them behind.
enum OpenCaptures {
    nonisolated(unsafe) private static var captures: [ObjectIdentifier: ProcessCapture] = [:]
    nonisolated(unsafe) private static var registered = false
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    static func register(_ capture: ProcessCapture) {
        pthread_mutex_lock(lock)
        captures[ObjectIdentifier(capture)] = capture
        if !registered {
            registered = true
            atexit { OpenCaptures.closeAll() }
        }
        pthread_mutex_unlock(lock)
    }

    static func unregister(_ capture: ProcessCapture) {
        pthread_mutex_lock(lock)
        captures[ObjectIdentifier(capture)] = nil
        pthread_mutex_unlock(lock)
    }

    /// Closes every open capture.
    static func closeAll() {
        pthread_mutex_lock(lock)
        let open = Array(captures.values)
        pthread_mutex_unlock(lock)
        for capture in open { capture.close() }
    }
}
