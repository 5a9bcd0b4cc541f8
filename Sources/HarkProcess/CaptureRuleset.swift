/// The nftables table that logs a watched cgroup's packets to an NFLOG group, and the set elements
/// that add sockets opened before the processes were moved into it.
///
/// A packet is logged when its local socket belongs to the cgroup (`socket cgroupv2`), or its local
/// endpoint is in one of the sets:
/// - `own4`/`own6` (local address . port . remote address . port): connections seeded from `/proc`,
///   and every connection of the cgroup from its SYN, FIN or RST for two minutes. The latter catches
///   the packets of request and time-wait sockets, which `socket cgroupv2` does not match (it needs a
///   full socket): the server's SYN-ACK, the ACK completing the handshake, the last ACKs after close.
/// - `listen4`/`listen6` (local address . port) and `listenports` (wildcard listeners): listening
///   sockets seeded from `/proc`. An accepted socket belongs to its listener's cgroup, so a server
///   whose listener predates the move would otherwise be invisible.
///
/// Output packets are logged in `out`, input packets in `in`, but for loopback TCP and UDP: a loopback
/// packet passes both hooks, and when `out` takes one, it only notes its protocol, addresses and ports
/// in the set `looped4` or `looped6` (for `loopedTimeout`), and `in` logs it on its way in, a few
/// microseconds later. NFLOG stamps the packets of input hooks only (an output packet takes the time
/// hark reads it, which is what ties `HarkLiveCapture.NFLOGBatching`'s batches to a millisecond): this
/// way a watched service on loopback is all kernel-timed. A packet is still logged exactly once when
/// both ends are watched (the rules matching the sets come first in `in` and accept), and the note is
/// the table's own: two harks watching the two ends each log it once, which a shared packet mark would
/// not give. Should a set be full, `update` fails and the next rule logs the packet on the way out, as
/// for other protocols. Every log statement counts in the table's counter `loggedCounter`, but the one
/// of hark's test packet (`DeliveryProbe`: UDP to
/// port `group`, marked `probeMark`), which the last rule of `out` logs with the prefix `probePrefix`
/// and drops, so hark can see its table, group and reader work before it says it captures. The log
/// statements set no `queue-threshold`: how many packets the kernel gathers per message is set on the
/// group by its reader, following the rate (`HarkLiveCapture.NFLOGBatching`); a threshold here would
/// override it.
struct CaptureRuleset: Hashable {
    /// The table's name (`hark_…`, family inet).
    var table: String
    /// The cgroup as nftables names it (see `CgroupHierarchy.nftablesPath(of:)`).
    var cgroupPath: String
    /// The NFLOG group the packets go to.
    var group: UInt16

    /// The packet mark of hark's test packet (`DeliveryProbe`): "HARK".
    static let probeMark: UInt32 = 0x4841_524B
    /// The NFLOG prefix of the test packet: other rules log no prefix.
    static let probePrefix = "hark-probe"
    /// The table's counter of the packets its rules log to the group (not the test packet): read and
    /// reset when the capture starts, read at its end and compared with what hark received.
    static let loggedCounter = "logged"
    /// How long a connection stays in the dynamic sets after its SYN, FIN or RST.
    static let connectionTimeout = "2m"
    /// How long a loopback packet's note stays in `looped4`/`looped6` after the last packet out: it is
    /// needed for microseconds, and a connection reusing the same ports later (after TIME_WAIT, a
    /// minute) must not be taken for it.
    static let loopedTimeout = "1s"

    /// The script that creates the table (`nft -f`).
    var creationScript: String {
        let log = "counter name \"\(Self.loggedCounter)\" log group \(group)"
        let cgroup = "socket cgroupv2 level 1 \"\(cgroupPath)\""
        let timeout = Self.connectionTimeout
        let looped = Self.loopedTimeout
        let key4 = "meta l4proto . ip saddr . th sport . ip daddr . th dport"
        let key6 = "meta l4proto . ip6 saddr . th sport . ip6 daddr . th dport"
        return """
            table inet \(table) {
              counter \(Self.loggedCounter) { }
              set own4 { type ipv4_addr . inet_service . ipv4_addr . inet_service; size 262144; flags dynamic, timeout; }
              set own6 { type ipv6_addr . inet_service . ipv6_addr . inet_service; size 262144; flags dynamic, timeout; }
              set listen4 { type ipv4_addr . inet_service; }
              set listen6 { type ipv6_addr . inet_service; }
              set listenports { type inet_service; }
              set looped4 { type inet_proto . ipv4_addr . inet_service . ipv4_addr . inet_service; size 262144; flags dynamic, timeout; }
              set looped6 { type inet_proto . ipv6_addr . inet_service . ipv6_addr . inet_service; size 262144; flags dynamic, timeout; }
              chain logged_out {
                oif "lo" meta l4proto { tcp, udp } update @looped4 { \(key4) timeout \(looped) } accept
                oif "lo" meta l4proto { tcp, udp } update @looped6 { \(key6) timeout \(looped) } accept
                \(log) accept
              }
              chain out {
                type filter hook output priority 0; policy accept;
                ip saddr . tcp sport . ip daddr . tcp dport @own4 goto logged_out
                ip6 saddr . tcp sport . ip6 daddr . tcp dport @own6 goto logged_out
                ip saddr . tcp sport @listen4 goto logged_out
                ip6 saddr . tcp sport @listen6 goto logged_out
                tcp sport @listenports goto logged_out
                \(cgroup) tcp flags & (syn | fin | rst) != 0 add @own4 { ip saddr . tcp sport . ip daddr . tcp dport timeout \(timeout) }
                \(cgroup) tcp flags & (syn | fin | rst) != 0 add @own6 { ip6 saddr . tcp sport . ip6 daddr . tcp dport timeout \(timeout) }
                \(cgroup) goto logged_out
                meta mark \(hex(Self.probeMark)) udp dport \(group) log prefix "\(Self.probePrefix)" group \(group) drop
              }
              chain in {
                type filter hook input priority 0; policy accept;
                iif "lo" \(key4) @looped4 \(log) accept
                iif "lo" \(key6) @looped6 \(log) accept
                ip daddr . tcp dport . ip saddr . tcp sport @own4 \(log) accept
                ip6 daddr . tcp dport . ip6 saddr . tcp sport @own6 \(log) accept
                ip daddr . tcp dport @listen4 \(log) accept
                ip6 daddr . tcp dport @listen6 \(log) accept
                tcp dport @listenports \(log) accept
                \(cgroup) tcp flags & (syn | fin | rst) != 0 add @own4 { ip daddr . tcp dport . ip saddr . tcp sport timeout \(timeout) }
                \(cgroup) tcp flags & (syn | fin | rst) != 0 add @own6 { ip6 daddr . tcp dport . ip6 saddr . tcp sport timeout \(timeout) }
                \(cgroup) \(log) accept
              }
            }

            """
    }

    /// The script that adds `sockets` to the sets (nothing when there are none).
    func seedingScript(_ sockets: [SocketEntry]) -> String {
        var own4: [String] = []
        var own6: [String] = []
        var listen4: [String] = []
        var listen6: [String] = []
        var ports: [String] = []
        for socket in Set(sockets) {
            if socket.isListening {
                if socket.local.isWildcard {
                    ports.append("\(socket.localPort)")
                } else if socket.local.isIPv6 {
                    listen6.append("\(socket.local.text) . \(socket.localPort)")
                } else {
                    listen4.append("\(socket.local.text) . \(socket.localPort)")
                }
            } else if socket.local.isIPv6 == socket.remote.isIPv6 {
                let element = "\(socket.local.text) . \(socket.localPort) . \(socket.remote.text) . \(socket.remotePort)"
                if socket.local.isIPv6 { own6.append(element) } else { own4.append(element) }
            }
        }
        var script = ""
        for (set, elements) in [("own4", own4), ("own6", own6), ("listen4", listen4), ("listen6", listen6), ("listenports", ports)]
        where !elements.isEmpty {
            script += "add element inet \(table) \(set) { \(Set(elements).sorted().joined(separator: ", ")) }\n"
        }
        return script
    }

    /// The script that removes the table.
    var deletionScript: String {
        "delete table inet \(table)\n"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
