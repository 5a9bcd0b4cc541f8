import Glibc

/// A TCP socket of a watched process, as `/proc/net/tcp{,6}` lists it.
struct SocketEntry: Hashable {
    /// An IP address as nftables writes it (`127.0.0.1`, `::1`).
    struct Address: Hashable {
        var text: String
        var isIPv6: Bool
        var isWildcard: Bool
    }

    var local: Address
    var localPort: UInt16
    var remote: Address
    var remotePort: UInt16
    /// LISTEN (state 0A): connections it accepts later belong to the listener's cgroup, not the
    /// acceptor's, so a listener seeded before the move must be matched by its local address and port.
    var isListening: Bool
    var inode: UInt64
}

/// Reads which TCP sockets processes hold: their descriptors' socket inodes (`/proc/PID/fd`) looked up
/// in the socket table of hark's network namespace (`SocketDiag`, else `/proc/net/tcp` and
/// `/proc/net/tcp6`).
enum SocketTable {
    /// The socket inodes open in `pid`.
    static func socketInodes(of pid: Int32) -> Set<UInt64> {
        var inodes = Set<UInt64>()
        let directory = "/proc/\(pid)/fd"
        for name in SystemFiles.list(directory) {
            guard let target = SystemFiles.readLink(directory + "/" + name), target.hasPrefix("socket:["),
                target.hasSuffix("]"), let inode = UInt64(target.dropFirst(8).dropLast())
            else { continue }
            inodes.insert(inode)
        }
        return inodes
    }

    /// Every TCP socket of the namespace, IPv4 and IPv6.
    static func all() -> [SocketEntry] {
        SocketDiag.tcpSockets(states: SocketDiag.allStates) ?? fromProc()
    }

    /// The listening TCP sockets of the namespace, IPv4 and IPv6.
    static func listening() -> [SocketEntry] {
        SocketDiag.tcpSockets(states: 1 << UInt32(SocketDiag.listenState)) ?? fromProc().filter(\.isListening)
    }

    /// Every TCP socket, read from `/proc/net/tcp` and `/proc/net/tcp6`.
    static func fromProc() -> [SocketEntry] {
        parse(SystemFiles.read("/proc/net/tcp") ?? "", isIPv6: false)
            + parse(SystemFiles.read("/proc/net/tcp6") ?? "", isIPv6: true)
    }

    /// Parses the text of `/proc/net/tcp` or `/proc/net/tcp6` (a header line, then one socket a line);
    /// lines that do not parse are skipped.
    static func parse(_ text: String, isIPv6: Bool) -> [SocketEntry] {
        var entries: [SocketEntry] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
            guard fields.count >= 10, let local = endpoint(fields[1], isIPv6: isIPv6),
                let remote = endpoint(fields[2], isIPv6: isIPv6), let state = UInt8(fields[3], radix: 16),
                let inode = UInt64(fields[9])
            else { continue }
            entries.append(
                SocketEntry(
                    local: local.address, localPort: local.port, remote: remote.address, remotePort: remote.port,
                    isListening: state == 0x0A, inode: inode))
        }
        return entries
    }

    /// `ADDRESS:PORT` in the kernel's hex: the address as 32-bit words printed in host order (so their
    /// in-memory bytes are the network-order address), the port as a number.
    private static func endpoint(_ field: Substring, isIPv6: Bool) -> (address: SocketEntry.Address, port: UInt16)? {
        let parts = field.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16) else { return nil }
        let hex = parts[0]
        guard hex.count == (isIPv6 ? 32 : 8) else { return nil }
        var bytes: [UInt8] = []
        var start = hex.startIndex
        while start < hex.endIndex {
            let end = hex.index(start, offsetBy: 8)
            guard let word = UInt32(hex[start..<end], radix: 16) else { return nil }
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
            start = end
        }
        return (address(bytes), port)
    }

    /// An address from its 4 or 16 network-order bytes. An IPv4-mapped IPv6 address becomes the IPv4
    /// address: such connections travel as IPv4 packets.
    static func address(_ networkOrder: [UInt8]) -> SocketEntry.Address {
        var bytes = networkOrder
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count))
        }
        let string = text.withUnsafeBufferPointer { buffer in
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return SocketEntry.Address(text: string, isIPv6: bytes.count == 16, isWildcard: bytes.allSatisfy { $0 == 0 })
    }
}

/// The TCP ports listening on this machine (in hark's network namespace), for telling the server side
/// of connections a live capture joins after their handshake.
public enum ListeningPorts {
    /// The local ports of every LISTEN socket, IPv4 and IPv6.
    public static func current() -> Set<UInt16> {
        Set(SocketTable.listening().lazy.map(\.localPort))
    }
}
