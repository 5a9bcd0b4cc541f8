import Glibc

/// What every process capture puts on the system before its processes are moved: the checks, the
/// cleaning of leftovers, a cgroup, and the nft table that logs the cgroup's packets.
struct CaptureSetup {
    let nft: NFTables
    let hierarchy: CgroupHierarchy
    let name: CaptureName
    let ruleset: CaptureRuleset

    /// Numbers the captures of one process.
    nonisolated(unsafe) private static var serial = 0

    /// Checks that nftables, root and cgroup v2 are there, cleans leftovers of killed runs, and creates
    /// the cgroup and the table. `purpose` names the option for the root message.
    static func create(for purpose: String) throws(ProcessCaptureError) -> CaptureSetup {
        guard let nft = NFTables.locate() else { throw .nftablesUnavailable() }
        guard ProcessTable.hasNetAdmin() else { throw .needsRoot(for: purpose) }
        guard let hierarchy = CgroupHierarchy.find() else { throw .noCgroup2() }
        Leftovers.clean(nft: nft, hierarchy: hierarchy)
        let pid = getpid()
        serial += 1
        let name = CaptureName(pid: pid, startTime: ProcessTable.status(pid)?.startTime ?? 0, serial: serial)
        guard let group = NFLogGroup.pick(seed: Int(pid)) else {
            throw ProcessCaptureError("no free NFLOG group in \(NFLogGroup.range)")
        }
        let ruleset = CaptureRuleset(
            table: name.table, cgroupPath: hierarchy.nftablesPath(of: name.cgroup), group: group)
        try hierarchy.create(name.cgroup)
        do {
            try nft.run(ruleset.creationScript)
        } catch {
            hierarchy.remove(name.cgroup)
            throw .nftablesUnavailable(error.description)
        }
        return CaptureSetup(nft: nft, hierarchy: hierarchy, name: name, ruleset: ruleset)
    }

    /// The cgroup2 path of hark's cgroup (`/hark-…`).
    var cgroupPath: String { "/" + name.cgroup }

    /// Puts every process still in the cgroup back (`origins`, else `fallback`, else the root), then
    /// removes the table, the cgroup and the origin record.
    func remove(origins: [Int32: String], fallback: String) {
        Leftovers.empty(name.cgroup, in: hierarchy, origins: origins, fallback: fallback)
        try? nft.run(ruleset.deletionScript)
        OriginRecord(cgroup: name.cgroup).remove()
    }
}

/// Cleaning up after runs that were killed before they could (SIGKILL, a crash, a power cut).
enum Leftovers {
    /// Removes `hark_*` tables and `hark-*` cgroups whose run has ended, putting their processes back
    /// where the origin record says (else to the root cgroup), and stale key log directories.
    static func clean(nft: NFTables, hierarchy: CgroupHierarchy) {
        for table in nft.tables(prefixed: CaptureName.tablePrefix)
        where CaptureName(parsing: table)?.isLeftover == true {
            try? nft.run("delete table inet \(table)\n")
        }
        for cgroup in hierarchy.cgroups(prefixed: CaptureName.cgroupPrefix)
        where CaptureName(parsing: cgroup)?.isLeftover == true {
            let record = OriginRecord(cgroup: cgroup)
            let recorded = record.read()
            var origins: [Int32: String] = [:]
            for (pid, path) in recorded { origins[pid] = path }
            empty(cgroup, in: hierarchy, origins: origins, fallback: recorded.first?.path ?? "/")
            record.remove()
        }
        KeyLogDirectory.removeLeftovers()
    }

    /// Moves every process out of `cgroup` and removes it (retrying briefly: an exiting process leaves
    /// its cgroup a moment after it stops being listed).
    static func empty(_ cgroup: String, in hierarchy: CgroupHierarchy, origins: [Int32: String], fallback: String) {
        for attempt in 0..<50 {
            for pid in hierarchy.processes(in: cgroup) {
                let destination = origins[pid] ?? fallback
                if hierarchy.move(pid, to: destination) != 0 {
                    hierarchy.move(pid, to: "/")
                }
            }
            if hierarchy.remove(cgroup) { return }
            if attempt < 49 { usleep(10_000) }
        }
    }
}
