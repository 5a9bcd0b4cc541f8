import CHarkLoader
import Glibc

/// Starts `hark -- CMD`'s command already inside the capture's cgroup, held until the capture runs.
///
/// The loader (`hark_loader_spawn`, in C) forks; the child writes itself into the cgroup's
/// `cgroup.procs`, waits for one byte on a socket, takes the invoking user's identity under sudo, and
/// execs the command with `SSLKEYLOGFILE` (and `NODE_OPTIONS=--tls-keylog=…`) pointing at the key log.
/// Its first packet is therefore logged, and a capture that failed to start never runs it.
final class CommandLauncher {
    /// The child, waiting or running.
    let pid: pid_t
    private let go: Int32
    private let report: Int32
    private let commandName: String
    /// Whether `go` and `report` are closed (by `release` or `abandon`).
    private var isSettled = false

    private init(pid: pid_t, go: Int32, report: Int32, commandName: String) {
        self.pid = pid
        self.go = go
        self.report = report
        self.commandName = commandName
    }

    /// Forks the waiting child. `cgroupProcs` is the path of the cgroup's `cgroup.procs`; with
    /// `outputPath`, the command's standard output and error go to that file (created or truncated,
    /// owned by `user`) and its standard input is `/dev/null`.
    static func spawn(
        _ command: [String], cgroupProcs: String, keyLog: String, user: InvokingUser?, outputPath: String? = nil
    ) throws(ProcessCaptureError) -> CommandLauncher {
        guard let name = command.first else { throw ProcessCaptureError("no command given after --") }
        guard let path = resolve(name) else { throw .commandNotFound(name) }
        let redirection = try outputPath.map { path throws(ProcessCaptureError) in try openOutput(path, user: user) }
        defer {
            if let redirection {
                close(redirection.output)
                close(redirection.input)
            }
        }
        let cgroup = open(cgroupProcs, O_WRONLY | O_CLOEXEC)
        guard cgroup >= 0 else { throw .system("cannot open \(cgroupProcs)", errno) }
        defer { close(cgroup) }
        var goPair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &goPair) == 0 else {
            throw .system("socketpair", errno)
        }
        var reportPipe: [Int32] = [-1, -1]
        guard hark_pipe_cloexec(&reportPipe) == 0 else {
            close(goPair[0])
            close(goPair[1])
            throw .system("pipe", errno)
        }
        let argv = command.map { strdup($0) } + [nil]
        let environment = environment(keyLog: keyLog).map { strdup($0) } + [nil]
        let cPath = strdup(path)
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
            free(cPath)
        }
        let groups = user?.groups ?? []
        let pid = groups.withUnsafeBufferPointer { groupBuffer in
            argv.withUnsafeBufferPointer { argvBuffer in
                environment.withUnsafeBufferPointer { environmentBuffer in
                    var plan = hark_loader_plan()
                    plan.path = UnsafePointer(cPath)
                    plan.argv = argvBuffer.baseAddress
                    plan.envp = environmentBuffer.baseAddress
                    plan.cgroup_procs = cgroup
                    plan.go = goPair[1]
                    plan.report = reportPipe[1]
                    plan.output = redirection?.output ?? -1
                    plan.input = redirection?.input ?? -1
                    plan.change_user = user == nil ? 0 : 1
                    plan.uid = user?.uid ?? 0
                    plan.gid = user?.gid ?? 0
                    plan.groups = groupBuffer.baseAddress
                    plan.group_count = Int32(groupBuffer.count)
                    return hark_loader_spawn(&plan)
                }
            }
        }
        let forkError = errno
        close(goPair[1])
        close(reportPipe[1])
        guard pid > 0 else {
            close(goPair[0])
            close(reportPipe[0])
            throw .system("cannot start \(name)", forkError)
        }
        return CommandLauncher(pid: pid, go: goPair[0], report: reportPipe[0], commandName: name)
    }

    /// Lets the child exec the command, and waits until it did (or failed to).
    func release() throws(ProcessCaptureError) {
        guard !isSettled else { return }
        isSettled = true
        var byte: UInt8 = 1
        _ = send(go, &byte, 1, Int32(MSG_NOSIGNAL))
        close(go)
        var message = [UInt8](repeating: 0, count: MemoryLayout<Int32>.size + 1)
        var received = 0
        while received < message.count {
            let count = message[received...].withUnsafeMutableBytes { read(report, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received += count
        }
        close(report)
        guard received == message.count else { return }  // exec succeeded: the pipe closed unwritten
        let code = message.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        switch message[MemoryLayout<Int32>.size] {
        case 1: throw .system("cannot move \(commandName) into hark's cgroup", code)
        case 3: throw .system("cannot run \(commandName) as the invoking user", code)
        case 5: throw .system("cannot send \(commandName)'s output to its file", code)
        default: throw .system("cannot run \(commandName)", code)
        }
    }

    /// Opens the file the command's output goes to (created or truncated, not through a symbolic link,
    /// given to the invoking user under sudo) and `/dev/null` for its input; both close-on-exec, the
    /// child's `dup2` copies are not.
    private static func openOutput(_ path: String, user: InvokingUser?) throws(ProcessCaptureError) -> (output: Int32, input: Int32) {
        let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard output >= 0 else { throw .system("cannot write the command's output to \(path)", errno) }
        if let user { _ = fchown(output, user.uid, user.gid) }
        let input = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            let error = errno
            close(output)
            throw .system("cannot open /dev/null", error)
        }
        return (output, input)
    }

    /// Gives up before the command ran: the child sees the socket close and exits.
    func abandon() {
        guard !isSettled else { return }
        isSettled = true
        close(go)
        close(report)
    }

    /// The environment of the command: hark's own, with the key log variables set.
    private static func environment(keyLog: String) -> [String] {
        var variables: [String] = []
        var nodeOptions: String?
        var index = 0
        while let entry = environ[index] {
            index += 1
            let text = String(cString: entry)
            if text.hasPrefix("SSLKEYLOGFILE=") { continue }
            if text.hasPrefix("NODE_OPTIONS=") {
                nodeOptions = String(text.dropFirst("NODE_OPTIONS=".count))
                continue
            }
            variables.append(text)
        }
        variables.append("SSLKEYLOGFILE=" + keyLog)
        let tlsOption = "--tls-keylog=" + keyLog
        variables.append("NODE_OPTIONS=" + (nodeOptions.map { $0.isEmpty ? tlsOption : $0 + " " + tlsOption } ?? tlsOption))
        return variables
    }

    /// The executable `name` names: itself when it holds a slash, else the first match in `PATH`.
    static func resolve(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var status = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
                return candidate
            }
        }
        return nil
    }
}

/// The user who ran `sudo hark …` (`SUDO_UID`, `SUDO_GID`), whom the command runs as.
struct InvokingUser: Hashable {
    var uid: uid_t
    var gid: gid_t
    var groups: [gid_t]

    /// The sudo user, when hark runs as root under sudo for another user; nil otherwise.
    static func fromSudo() -> InvokingUser? {
        guard getuid() == 0, let uidText = getenv("SUDO_UID").map({ String(cString: $0) }),
            let gidText = getenv("SUDO_GID").map({ String(cString: $0) }), let uid = uid_t(uidText),
            let gid = gid_t(gidText), uid != 0
        else { return nil }
        return InvokingUser(uid: uid, gid: gid, groups: supplementaryGroups(uid: uid, gid: gid))
    }

    /// The user's groups (getgrouplist), at least `gid`.
    private static func supplementaryGroups(uid: uid_t, gid: gid_t) -> [gid_t] {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return [gid] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(max(count, 1)))
            guard getgrouplist(name, gid, &groups, &count) >= 0 else { return [gid] }
        }
        return Array(groups.prefix(Int(max(count, 0))))
    }
}
