import Glibc

/// The kernel's TCP socket table through `NETLINK_SOCK_DIAG`, as `ss` reads it.
///
/// Reading `/proc/net/tcp` and `/proc/net/tcp6` walks the whole established-connection hash table
/// for each file, busy or not (262,144 buckets on a 2-core machine: about 4 ms a file), and a live
/// source read it twice at start-up (the watched processes' sockets, then the listening ports): a
/// third of `hark trace --pid`'s start-up time. A dump asked for listening sockets only does not walk
/// that table at all, and a full dump walks it once, in under a millisecond.
enum SocketDiag {
    /// TCP states as `inet_diag` numbers them; its filter takes a bit per state.
    static let listenState: UInt8 = 10
    /// Every state.
    static let allStates: UInt32 = 0xFFFF_FFFF

    /// The TCP sockets of the namespace whose state is in `states` (a bit per state), IPv4 and IPv6;
    /// nil when the kernel does not answer in full (no `sock_diag`): read `/proc` instead.
    static func tcpSockets(states: UInt32) -> [SocketEntry]? {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkSockDiag)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var entries: [SocketEntry] = []
        for family in [UInt8(AF_INET), UInt8(AF_INET6)] {
            guard request(family: family, states: states, on: descriptor),
                let found = receiveDump(on: descriptor)
            else { return nil }
            entries += found
        }
        return entries
    }

    // MARK: - Netlink

    private static let netlinkSockDiag: Int32 = 4
    private static let sockDiagByFamily: UInt16 = 20
    private static let messageDone: UInt16 = 3
    private static let messageError: UInt16 = 2
    private static let headerSize = 16
    /// `struct inet_diag_msg`: family, state, timer, retransmits, the socket id (ports, addresses,
    /// interface, cookie), expiry, queues, uid, inode.
    private static let diagMessageSize = 72

    /// Sends a dump request (`struct nlmsghdr` + `struct inet_diag_req_v2`) for TCP sockets of
    /// `family` in `states`.
    private static func request(family: UInt8, states: UInt32, on descriptor: Int32) -> Bool {
        var message = [UInt8](repeating: 0, count: headerSize + 56)
        func put32(_ value: UInt32, at offset: Int) {
            withUnsafeBytes(of: value) { message.replaceSubrange(offset..<offset + 4, with: $0) }
        }
        put32(UInt32(message.count), at: 0)
        withUnsafeBytes(of: sockDiagByFamily) { message.replaceSubrange(4..<6, with: $0) }
        // NLM_F_REQUEST | NLM_F_DUMP
        withUnsafeBytes(of: UInt16(0x0301)) { message.replaceSubrange(6..<8, with: $0) }
        message[headerSize] = family
        message[headerSize + 1] = UInt8(IPPROTO_TCP)
        put32(states, at: headerSize + 4)
        let sent = message.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        return sent == message.count
    }

    /// Reads the answer to a dump request up to its end; nil on an error or a malformed answer.
    private static func receiveDump(on descriptor: Int32) -> [SocketEntry]? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var entries: [SocketEntry] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            let done = buffer.withUnsafeBytes { bytes -> Bool? in
                parseMessages(UnsafeRawBufferPointer(rebasing: bytes.prefix(count)), into: &entries)
            }
            guard let done else { return nil }
            if done { return entries }
        }
    }

    /// Parses the netlink messages of one datagram into `entries`; true at the dump's end, nil on an
    /// error message or a message that does not fit.
    static func parseMessages(_ bytes: UnsafeRawBufferPointer, into entries: inout [SocketEntry]) -> Bool? {
        var offset = 0
        while bytes.count - offset >= headerSize {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            guard length >= headerSize, length <= bytes.count - offset else { return nil }
            switch type {
            case messageDone: return true
            case messageError: return nil
            case sockDiagByFamily:
                let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + headerSize)..<(offset + length)])
                if let entry = entry(body) { entries.append(entry) }
            default: break
            }
            // Messages start on 4-byte boundaries.
            offset += min((length + 3) & ~3, bytes.count - offset)
        }
        return false
    }

    /// One socket from a `struct inet_diag_msg`; nil when it is short or of another family.
    static func entry(_ message: UnsafeRawBufferPointer) -> SocketEntry? {
        guard message.count >= diagMessageSize else { return nil }
        let addressLength: Int
        switch Int32(message[0]) {
        case AF_INET: addressLength = 4
        case AF_INET6: addressLength = 16
        default: return nil
        }
        let local = SocketTable.address(Array(message[8..<(8 + addressLength)]))
        let remote = SocketTable.address(Array(message[24..<(24 + addressLength)]))
        return SocketEntry(
            local: local, localPort: UInt16(message[4]) << 8 | UInt16(message[5]),
            remote: remote, remotePort: UInt16(message[6]) << 8 | UInt16(message[7]),
            isListening: message[1] == listenState,
            inode: UInt64(message.loadUnaligned(fromByteOffset: 68, as: UInt32.self))
        )
    }
}
