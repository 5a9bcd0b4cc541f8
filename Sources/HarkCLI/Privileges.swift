import Glibc

/// Giving up root once the capture is open.
enum Privileges {
    /// Under sudo (root with `SUDO_UID` and `SUDO_GID` set), becomes the invoking user for good:
    /// supplementary groups, group and user, in that order. Does nothing otherwise (a plain user, or
    /// root logged in as root).
    ///
    /// - Throws: `RunError` when the switch fails: going on as root would be worse than stopping.
    static func becomeInvokingUser() throws {
        guard geteuid() == 0, let uid = environmentID("SUDO_UID"), let gid = environmentID("SUDO_GID"), uid != 0 else {
            return
        }
        guard setgroups(0, nil) == 0, setgid(gid) == 0, setuid(uid) == 0, setuid(0) != 0 else {
            throw RunError("cannot give up root for user \(uid) (SUDO_UID): \(String(cString: strerror(errno)))")
        }
    }

    /// Under sudo while hark stays root (it must, to clean up a `--pid` capture), gives a file hark
    /// created to the invoking user, as if that user had written it. Does nothing otherwise.
    static func giveToInvokingUser(_ descriptor: Int32) {
        guard geteuid() == 0, let uid = environmentID("SUDO_UID"), let gid = environmentID("SUDO_GID"), uid != 0 else {
            return
        }
        _ = fchown(descriptor, uid, gid)
    }

    private static func environmentID(_ name: String) -> UInt32? {
        guard let value = getenv(name) else { return nil }
        return UInt32(String(cString: value))
    }
}
