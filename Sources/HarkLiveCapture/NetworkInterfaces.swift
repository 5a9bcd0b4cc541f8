#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine's network interfaces, for the message that names a missing one.
public enum NetworkInterfaces {
    /// The names of the interfaces of this network namespace, in the kernel's index order.
    public static func names() -> [String] {
        guard let list = if_nameindex() else { return [] }
        defer { if_freenameindex(list) }
        var names: [String] = []
        var entry = list
        while entry.pointee.if_index != 0, let name = entry.pointee.if_name {
            names.append(String(cString: name))
            entry = entry.advanced(by: 1)
        }
        return names
    }

    /// `no such interface 'eth9' (available: lo, eth0, any)`.
    static func missingMessage(_ device: String) -> String {
        let available = (names() + ["any"]).joined(separator: ", ")
        return "no such interface '\(device)' (available: \(available))"
    }
}
