/// Picks the NFLOG group a capture logs to: one no other listener has bound
/// (`/proc/net/netfilter/nfnetlink_log` lists the bound ones), spread by process id so that
/// concurrent hark runs start from different groups.
enum NFLogGroup {
    /// The range hark uses (clear of the small numbers people configure by hand).
    static let range: ClosedRange<UInt16> = 0x4800...0x4FFF

    /// A group in `range` not in `bound`, starting from one derived from `seed`.
    static func pick(seed: Int, bound: Set<UInt16> = boundGroups()) -> UInt16? {
        let count = Int(range.upperBound - range.lowerBound) + 1
        let start = ((seed % count) + count) % count
        for step in 0..<count {
            let group = range.lowerBound + UInt16((start + step) % count)
            if !bound.contains(group) { return group }
        }
        return nil
    }

    /// The groups bound now: the first field of each line of `/proc/net/netfilter/nfnetlink_log`.
    static func boundGroups(_ text: String? = SystemFiles.read("/proc/net/netfilter/nfnetlink_log")) -> Set<UInt16> {
        Set((text ?? "").split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.flatMap { UInt16($0) }
        })
    }
}
