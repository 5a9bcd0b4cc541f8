import Glibc
@testable import HarkProcess
import Testing

/// The socket table read through NETLINK_SOCK_DIAG must say what `/proc/net/tcp{,6}` says of the same
/// sockets: this process's own listener and the two ends of a connection to it, on IPv4 loopback.
@Suite struct SocketDiagTests {
    /// A listening socket on 127.0.0.1 (a port the kernel picks) and a connection to it, accepted;
    /// closed by `close()`.
    private struct LoopbackConnection {
        var descriptors: [Int32] = []
        var port: UInt16 = 0

        init() throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(listener >= 0)
            descriptors.append(listener)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(listener, raw, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, raw, &length) == 0
                }
            }
            try #require(bound)
            port = UInt16(bigEndian: address.sin_port)
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(client >= 0)
            descriptors.append(client)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
            }
            try #require(connected)
            let server = accept(listener, nil, nil)
            try #require(server >= 0)
            descriptors.append(server)
        }

        /// The socket inodes of the three descriptors (other tests may hold sockets of their own).
        var inodes: Set<UInt64> {
            Set(descriptors.compactMap { descriptor -> UInt64? in
                var status = stat()
                return fstat(descriptor, &status) == 0 ? UInt64(status.st_ino) : nil
            })
        }

        func close() {
            for descriptor in descriptors { _ = Glibc.close(descriptor) }
        }
    }

    @Test func theKernelsAnswerMatchesProcNetTCP() throws {
        let connection = try LoopbackConnection()
        defer { connection.close() }
        let mine = connection.inodes
        #expect(mine.count == 3)
        #expect(mine.isSubset(of: SocketTable.socketInodes(of: getpid())))
        let fromDiag = try #require(SocketDiag.tcpSockets(states: SocketDiag.allStates)).filter { mine.contains($0.inode) }
        let fromProc = SocketTable.fromProc().filter { mine.contains($0.inode) }
        #expect(fromDiag.count == 3)
        #expect(Set(fromDiag) == Set(fromProc))
        let listener = try #require(fromDiag.first { $0.isListening })
        #expect(listener.local.text == "127.0.0.1")
        #expect(listener.localPort == connection.port)
        #expect(fromDiag.filter { !$0.isListening && $0.remotePort == connection.port }.count == 1)
    }

    @Test func listeningSocketsOnlyWhenAskedFor() throws {
        let connection = try LoopbackConnection()
        defer { connection.close() }
        let mine = connection.inodes
        let listening = SocketTable.listening().filter { mine.contains($0.inode) }
        #expect(listening.map(\.localPort) == [connection.port])
        #expect(ListeningPorts.current().contains(connection.port))
    }

    @Test func aTruncatedOrFailedAnswerIsNotTakenForTheTable() {
        var entries: [SocketEntry] = []
        // A header that claims more bytes than there are.
        let truncated: [UInt8] = [200, 0, 0, 0, 20, 0, 2, 0] + [UInt8](repeating: 0, count: 8)
        #expect(truncated.withUnsafeBytes { SocketDiag.parseMessages($0, into: &entries) } == nil)
        // An error message (NLMSG_ERROR), and the end of a dump (NLMSG_DONE).
        let error: [UInt8] = [20, 0, 0, 0, 2, 0, 0, 0] + [UInt8](repeating: 0, count: 12)
        #expect(error.withUnsafeBytes { SocketDiag.parseMessages($0, into: &entries) } == nil)
        let done: [UInt8] = [20, 0, 0, 0, 3, 0, 2, 0] + [UInt8](repeating: 0, count: 12)
        #expect(done.withUnsafeBytes { SocketDiag.parseMessages($0, into: &entries) } == true)
        // A socket message too short for `struct inet_diag_msg` is skipped.
        let short: [UInt8] = [24, 0, 0, 0, 20, 0, 2, 0] + [UInt8](repeating: 0, count: 8) + [2, 10, 0, 0, 0x1F, 0x90, 0, 0]
        #expect(short.withUnsafeBytes { SocketDiag.parseMessages($0, into: &entries) } == false)
        #expect(entries.isEmpty)
    }
}
