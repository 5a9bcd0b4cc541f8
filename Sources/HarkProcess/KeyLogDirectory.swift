import Glibc

/// The private directory holding a launched command's TLS key log: `$TMPDIR/hark-keys-<pid>-<start>-<n>`,
/// mode 0700, owned by the user the command runs as, with an empty `keys.log` the command appends to.
struct KeyLogDirectory {
    let path: String
    var keyLog: String { path + "/keys.log" }

    static let prefix = "hark-keys-"

    static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Creates the directory and the empty key log, both owned by `owner` when given.
    static func create(for name: CaptureName, owner: (uid: uid_t, gid: gid_t)?) throws(ProcessCaptureError) -> KeyLogDirectory {
        let directory = KeyLogDirectory(
            path: temporaryDirectory + "/" + prefix + "\(name.pid)-\(name.startTime)-\(name.serial)")
        guard mkdir(directory.path, 0o700) == 0 else {
            throw .system("cannot create the key log directory \(directory.path)", errno)
        }
        let descriptor = open(directory.keyLog, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            rmdir(directory.path)
            throw .system("cannot create the key log \(directory.keyLog)", code)
        }
        if let owner {
            fchown(descriptor, owner.uid, owner.gid)
            chown(directory.path, owner.uid, owner.gid)
        }
        close(descriptor)
        return directory
    }

    /// Removes the key log and the directory.
    func remove() {
        Self.removeTree(path)
    }

    /// Removes key log directories whose run has ended.
    static func removeLeftovers() {
        let base = temporaryDirectory
        for entry in SystemFiles.list(base) where entry.hasPrefix(prefix) {
            guard let name = CaptureName(parsing: "hark-" + entry.dropFirst(prefix.count)), name.isLeftover else { continue }
            removeTree(base + "/" + entry)
        }
    }

    /// Removes the files of a directory, then the directory (the key log directory has no subdirectories).
    private static func removeTree(_ path: String) {
        for entry in SystemFiles.list(path) { unlink(path + "/" + entry) }
        rmdir(path)
    }
}
