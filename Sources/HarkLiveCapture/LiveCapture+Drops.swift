#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap
import HarkCapture
import HarkCore

/// What the kernel dropped: its counters since the capture began, reported as they grow, and for an
/// NFLOG group the packets logged to it but never delivered (`Ledger`).
extension LiveCapture {
    /// The settings' `loggedPackets` and what it is compared with.
    struct Ledger {
        let loggedPackets: @Sendable (_ reset: Bool) -> UInt64?
        /// Packets read (`packetsRead`) when the count was reset.
        let readAtReset: UInt64
        /// The count when the capture stopped.
        var loggedAtStop: UInt64?
    }

    /// The kernel's counts since `baseline`.
    func kernelCounts() -> LiveCaptureCounts? {
        var counts = pcap_stat()
        guard pcap_stats(handle, &counts) == 0 else { return nil }
        let since = { (now: UInt64, before: UInt64) in now > before ? now &- before : 0 }
        // libpcap's NFLOG drops are not a count (see `hark_socket_drops`): the socket's own is.
        let kernelDrops = linkType == .nflog ? UInt64(clamping: max(hark_socket_drops(selectableDescriptor), 0)) : UInt64(counts.ps_drop)
        return LiveCaptureCounts(
            received: since(UInt64(counts.ps_recv), baseline.received &+ rejected),
            // Packets logged but never received include the socket's drops.
            droppedByKernel: max(since(kernelDrops, baseline.droppedByKernel), unreceived),
            droppedByInterface: since(UInt64(counts.ps_ifdrop), baseline.droppedByInterface)
        )
    }

    /// Reports packets dropped since the last report, at most once per `statisticsInterval`.
    func reportDropsIfDue(diagnostic: (Diagnostic) -> Void) {
        guard let now = lastClock else { return }
        if let last = lastStatisticsCheck, now.since(last) < Self.statisticsInterval, !isFinished { return }
        lastStatisticsCheck = now
        guard let counts = kernelCounts(), counts.dropped > reportedDrops.dropped else { return }
        let new = counts.dropped &- reportedDrops.dropped
        reportedDrops = counts
        diagnostic(Diagnostic(.warning, Self.dropMessage(new: new, counts: counts, device: name)))
    }

    /// `the kernel dropped 120 packets on 'lo' (120 in all): the connections they belonged to show gaps`.
    static func dropMessage(new: UInt64, counts: LiveCaptureCounts, device: String) -> String {
        var place = "on '\(device)'"
        if counts.droppedByInterface > 0 { place += ", \(counts.droppedByInterface) by the interface" }
        return "the kernel dropped \(new) packets \(place) (\(counts.dropped) in all): the connections they belonged to show gaps"
    }

    /// Counts what the kernel logged to the group but never delivered, once the last packet was read.
    func settleLedger() {
        guard let ledger, let logged = ledger.loggedAtStop else { return }
        let read = packetsRead()
        let readSinceReset = read > ledger.readAtReset ? read &- ledger.readAtReset : 0
        unreceived = logged > readSinceReset ? logged &- readSinceReset : 0
    }

    /// The packets libpcap read since `baseline` (of an NFLOG capture: those the capture filter then
    /// rejected too, the test packets not).
    func packetsRead() -> UInt64 {
        var counts = pcap_stat()
        guard pcap_stats(handle, &counts) == 0 else { return 0 }
        let read = UInt64(counts.ps_recv)
        return read > baseline.received ? read &- baseline.received : 0
    }
}
