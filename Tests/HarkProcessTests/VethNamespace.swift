import Foundation
import Glibc
import HarkTestSupport

/// Another host for the process-capture tests: a network namespace joined to this one by a veth pair,
/// so that a watched process's packets leave through a real interface rather than loopback. Root only;
/// `remove()` deletes the namespace, which deletes the pair.
struct VethNamespace {
    let namespace: String
    /// The pair's end in this namespace, and its address.
    let hostInterface: String
    let hostAddress: String
    /// The address of the end in the namespace.
    let peerAddress: String
    private let log: URL

    /// Creates the namespace and the pair (10.213.N.1/30 here, .2 there; N from the process id so that
    /// concurrent runs do not collide).
    static func make(in servers: LoopbackServers) throws -> VethNamespace {
        let tag = Int(getpid()) % 60_000
        let subnet = "10.213.\(tag % 250).\(4 * (tag / 250 % 64))"
        let base = subnet.split(separator: ".").map(String.init)
        let last = Int(base[3]) ?? 0
        let host = "\(base[0]).\(base[1]).\(base[2]).\(last + 1)", peer = "\(base[0]).\(base[1]).\(base[2]).\(last + 2)"
        let network = VethNamespace(
            namespace: "hark-test-\(getpid())", hostInterface: "hkh\(tag)", hostAddress: host, peerAddress: peer,
            log: servers.file("ip.log"))
        let peerInterface = "hkp\(tag)"
        do {
            for arguments in [
                ["netns", "add", network.namespace],
                ["link", "add", network.hostInterface, "type", "veth", "peer", "name", peerInterface, "netns", network.namespace],
                ["addr", "add", "\(host)/30", "dev", network.hostInterface],
                ["link", "set", network.hostInterface, "up"],
                ["-n", network.namespace, "addr", "add", "\(peer)/30", "dev", peerInterface],
                ["-n", network.namespace, "link", "set", peerInterface, "up"],
                ["-n", network.namespace, "link", "set", "lo", "up"],
            ] {
                let status = try ToolProcess.run("ip", arguments, log: network.log).status
                guard status == 0 else {
                    throw ServerFailure(description: "ip \(arguments.joined(separator: " ")) failed (\(status)): \((try? String(contentsOf: network.log, encoding: .utf8)) ?? "")")
                }
            }
        } catch {
            network.remove()
            throw error
        }
        return network
    }

    func remove() {
        _ = try? ToolProcess.run("ip", ["netns", "del", namespace], log: log)
    }
}
