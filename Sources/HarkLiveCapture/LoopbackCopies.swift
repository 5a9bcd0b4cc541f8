#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap
import HarkCore

/// Loopback packets reach a packet socket twice: once as the sender's outgoing packet and once as the
/// receiver's incoming one. libpcap throws the outgoing copy away only after the kernel queued it, so
/// without help both copies fill the kernel buffer and both are counted in `pcap_stats` (a loopback
/// capture reported twice the packets it received, and twice its drops). A clause in the kernel filter
/// keeps only the incoming copy, so each packet is queued and counted once:
///
/// - On a loopback interface (`lo`): `inbound` (the kernel's packet type is not outgoing). On Ethernet
///   framing the packet type exists only in the kernel, so this program goes on the socket directly:
///   libpcap also runs its filter in userland over the packets queued before it was set, where it
///   would reject the first packets of the capture.
/// - On `any` read with `LINUX_SLL2` headers: outgoing packets of the loopback interfaces are left out
///   by interface index (`link[4:4]` is the SLL2 header's interface index; libpcap maps it and the
///   packet type to the kernel's own, and can run the same program in userland on its headers).
/// - Elsewhere (an Ethernet interface, `nflog:`): nothing to add.
enum LoopbackCopies {
    /// The kernel filter to install.
    struct Plan: Equatable {
        /// The clause and the user's filter together.
        var expression: String
        /// Whether the program must go on the socket directly (`true`) or through `pcap_setfilter`.
        var kernelOnly: Bool
    }

    /// The plan for `device` read with `linkType` headers and the user's `filter`; nil when the device
    /// sees no loopback packet twice or the link type cannot tell the copies apart.
    static func plan(
        device: String, linkType: LinkType, userFilter: String?, loopbacks: [(name: String, index: UInt32)] = loopbackInterfaces()
    ) -> Plan? {
        let clause: String
        let kernelOnly: Bool
        if loopbacks.contains(where: { $0.name == device }) {
            clause = "inbound"
            kernelOnly = true
        } else if device == "any", linkType == .linuxSLL2, !loopbacks.isEmpty {
            let indexes = loopbacks.map { "link[4:4] = \($0.index)" }.joined(separator: " or ")
            clause = "not (outbound and (\(indexes)))"
            kernelOnly = false
        } else {
            return nil
        }
        return Plan(expression: userFilter.map { "\(clause) and (\($0))" } ?? clause, kernelOnly: kernelOnly)
    }

    /// The interfaces libpcap marks as loopback, with their kernel indexes.
    static func loopbackInterfaces() -> [(name: String, index: UInt32)] {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errorBuffer) == 0 else { return [] }
        defer { pcap_freealldevs(list) }
        var found: [(name: String, index: UInt32)] = []
        var entry = list
        while let device = entry {
            if device.pointee.flags & UInt32(PCAP_IF_LOOPBACK) != 0, let name = device.pointee.name {
                let index = if_nametoindex(name)
                if index != 0 { found.append((String(cString: name), index)) }
            }
            entry = device.pointee.next
        }
        return found
    }
}
