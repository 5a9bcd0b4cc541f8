#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap
public import HarkCapture
public import HarkCore
import NIOCore

/// A live capture through libpcap, read as a `CaptureInput`: an interface, `any`, or a device such as
/// `nflog:GROUP`.
///
/// Opened with a large kernel buffer, nanosecond timestamps and a snapshot length that keeps whole
/// packets (`LiveCaptureSettings`). The kernel packs packets into blocks of the buffer by their real
/// size (TPACKET_V3) and hands a block over when it is full, or at a tick of its timer
/// (`blockMilliseconds`) that finds the block it found at the tick before: libpcap's immediate mode
/// (TPACKET_V2) gives every packet a slot as large as the biggest packet, so 64 MiB held only about
/// 500 packets on loopback (64 KiB MTU) and small packets were dropped at a few thousand per second
/// of any pause. Each loopback packet is queued once (`LoopbackCopies`). An NFLOG group (`--pid`,
/// `-- CMD`) gets its packets in netlink messages of a size that follows the rate and the kernel's
/// times (`NFLOGBatching`), each taken whole (a read may go past `maximumFrames` by the rest of one);
/// while every packet carries the kernel's time, a read sleeps through the messages instead of waking
/// for each. A read gathers blocks or messages until its first packet is `handOverMilliseconds` old or
/// it holds `maximumFrames`: one hand-over to the analysis per 40 ms whatever the rate (each wake
/// costs, and the analysis runs its code faster in longer bursts), well within what a person watching
/// notices (about 100 ms).
/// Reading waits on libpcap's selectable descriptor and `StopSignal` together:
/// Ctrl-C, SIGTERM or `StopSignal.request()` ends the input like the end of a file, after the packets
/// the kernel still holds. Packets the kernel dropped (its buffer was full) are reported as diagnostics
/// as their count grows, and in `liveCounts` at the end; the connections they belonged to show gaps.
///
/// ### Example
/// ```swift
/// StopSignal.install()
/// let capture = try LiveCapture(settings: LiveCaptureSettings(device: "lo", filter: "tcp port 8080"))
/// let statistics = CaptureSession(input: capture).run(observer: &observer)
/// ```
public final class LiveCapture: CaptureInput {
    /// How often, at most, the kernel's drop counters are read.
    static let statisticsInterval = TimeSpan.seconds(1)
    /// The kernel's block timer: each tick hands over the block being filled when it was already
    /// being filled at the tick before (so a packet waits in a block for up to two ticks when blocks
    /// fill up, one when they do not): within `handOverMilliseconds` either way.
    private static let blockMilliseconds: Int32 = handOverMilliseconds / 2
    /// How long, at most, a packet waits before the read holding it returns: a read gathers blocks or
    /// NFLOG messages until its first packet is this old. 10 ms (Suricata's AF_PACKET default) cost
    /// about 10 % more CPU per request on paced loopback traffic (BENCHMARKS.md): a wake of each
    /// thread per hand-over, and the analysis runs the same code faster in longer bursts.
    static let handOverMilliseconds: Int32 = 40
    /// How long a read waits for a packet before returning empty, so that the session's clock moves.
    static let idleWaitMilliseconds: Int32 = 500

    public let name: String
    /// The link type of every packet (`EN10MB` for an Ethernet interface, `LINUX_SLL2` for `any`,
    /// `NFLOG` for `nflog:`).
    public let linkType: LinkType

    let handle: OpaquePointer
    let selectableDescriptor: Int32
    private var frameCount = 0
    private var capturedBytes: Int64 = 0
    var isFinished = false
    var lastClock: Timestamp?
    var lastStatisticsCheck: Timestamp?
    var reportedDrops = LiveCaptureCounts()
    /// The kernel's counts when the capture filter was in place: what came before (any packet of the
    /// interface, queued while no filter was set) is not the capture's and is left out of its counts.
    var baseline = LiveCaptureCounts()
    private var diagnostics: [Diagnostic] = []
    /// The NFLOG groups read (`nflog:G,…`), whose batching follows the rate; none for other devices.
    private let nflogGroups: [UInt16]
    private var batching = NFLOGBatching()
    /// Where reads copy packets out of libpcap's buffer (handed out as frames when the read returns),
    /// with the chunks kept for reuse; a read moves it into its `PacketCollector` meanwhile.
    var copies = PacketCopies()

    /// The capture filter of an NFLOG capture, which hark runs itself.
    let nflogFilter: NFLOGFilter?
    /// NFLOG packets the capture filter rejected.
    var rejected: UInt64 = 0

    /// What the kernel logged to the group, to be compared with what was read; nil without a count.
    var ledger: Ledger?
    /// Packets the kernel logged to the group but never delivered (`Ledger`), known once stopped.
    var unreceived: UInt64 = 0
    /// Whether the stop's last look at the kernel was taken (`takeLastPackets`).
    private var tookLastPackets = false

    /// Whether the test packet of the settings' `deliveryCheck` came through (nil without one). When
    /// false, the kernel did not hand the group's packets to hark within the check's time: the capture
    /// runs anyway, but may have missed packets.
    public private(set) var deliveryVerified: Bool?

    /// Units of the fraction libpcap puts in `tv_usec`: nanoseconds when the device honoured the
    /// precision asked for (NFLOG does not), microseconds otherwise.
    let timestampUnits: Int64

    /// Opens and activates the capture.
    ///
    /// - Throws: `LiveCaptureError` with a message that says what to do (`needs root or CAP_NET_RAW:
    ///   try sudo`, `no such interface 'eth9' (available: lo, eth0, any)`, a capture filter's syntax
    ///   error).
    public init(settings: LiveCaptureSettings) throws(LiveCaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(settings.device, &errorBuffer) else {
            throw LiveCaptureError(.other, "cannot capture on '\(settings.device)': \(Self.text(errorBuffer))")
        }
        pcap_set_snaplen(handle, settings.snapshotLength)
        pcap_set_timeout(handle, Self.blockMilliseconds)
        pcap_set_buffer_size(handle, settings.bufferSize)
        pcap_set_promisc(handle, settings.promiscuous ? 1 : 0)
        pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO)
        let status = pcap_activate(handle)
        if status < 0 {
            let error = Self.activationError(status, handle: handle, device: settings.device)
            pcap_close(handle)
            throw error
        }
        if settings.device == "any" {
            // SLL2 headers carry the interface index, which lets the kernel filter leave out the
            // outgoing copy of loopback packets (`LoopbackCopies`); libpcap keeps SLL when it cannot.
            _ = pcap_set_datalink(handle, DLT_LINUX_SLL2)
        }
        let linkType = LinkType(rawValue: UInt32(clamping: pcap_datalink(handle)))
        // libpcap compiles no filter for NFLOG: hark runs it on the packets' payload (`NFLOGFilter`).
        var nflogFilter: NFLOGFilter?
        do throws(LiveCaptureError) {
            if linkType == .nflog {
                nflogFilter = try settings.filter.map { (expression) throws(LiveCaptureError) in try NFLOGFilter(expression) }
            } else {
                try Self.installFilters(settings, linkType: linkType, handle: handle)
            }
        } catch {
            pcap_close(handle)
            throw error
        }
        let descriptor = pcap_get_selectable_fd(handle)
        guard descriptor >= 0, pcap_setnonblock(handle, 1, &errorBuffer) == 0 else {
            pcap_close(handle)
            throw LiveCaptureError(.other, "cannot capture on '\(settings.device)': it cannot be polled")
        }
        if linkType == .nflog {
            // libpcap sizes the NFLOG socket with SO_RCVBUF, which the kernel caps at
            // net.core.rmem_max (about 200 KiB): a few hundred netlink messages. Root may go past the cap.
            var size = settings.bufferSize
            _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        self.nflogGroups = linkType == .nflog ? Self.nflogGroups(settings.device) : []
        self.handle = handle
        self.timestampUnits = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? 1_000_000_000 : 1_000_000
        self.selectableDescriptor = descriptor
        self.name = settings.device
        self.linkType = linkType
        self.nflogFilter = nflogFilter
        baseline = kernelCounts() ?? LiveCaptureCounts()
        askForBatches(of: batching.plan.threshold)
        if linkType == .nflog, let check = settings.deliveryCheck {
            deliveryVerified = verifyDelivery(check)
        }
        if linkType == .nflog, let logged = settings.loggedPackets {
            // Read first, reset after: packets in between count as read only, never as lost.
            let read = packetsRead()
            if logged(true) != nil { ledger = Ledger(loggedPackets: logged, readAtReset: read) }
        }
    }

    /// The user's capture filter, through libpcap, and the clause that keeps one copy of each loopback
    /// packet (`LoopbackCopies`) with it.
    private static func installFilters(_ settings: LiveCaptureSettings, linkType: LinkType, handle: OpaquePointer) throws(LiveCaptureError) {
        if let filter = settings.filter {
            try compile(filter, for: handle) { program throws(LiveCaptureError) in
                guard pcap_setfilter(handle, &program) == 0 else {
                    throw LiveCaptureError(.badFilter, "capture filter '\(filter)': \(String(cString: pcap_geterr(handle)))")
                }
            }
        }
        guard let plan = LoopbackCopies.plan(device: settings.device, linkType: linkType, userFilter: settings.filter) else { return }
        // Without the clause the capture is still right, only counted twice: a failure is not fatal.
        try? compile(plan.expression, for: handle) { program throws(LiveCaptureError) in
            if plan.kernelOnly {
                _ = hark_attach_kernel_filter(pcap_fileno(handle), &program)
            } else {
                _ = pcap_setfilter(handle, &program)
            }
        }
    }

    /// Compiles `expression` for the capture and hands the program to `use` (then frees it).
    private static func compile(
        _ expression: String, for handle: OpaquePointer, _ use: (inout bpf_program) throws(LiveCaptureError) -> Void
    ) throws(LiveCaptureError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw LiveCaptureError(.badFilter, "capture filter '\(expression)': \(String(cString: pcap_geterr(handle)))")
        }
        defer { pcap_freecode(&program) }
        try use(&program)
    }

    deinit {
        pcap_close(handle)
    }

    public var bytesRead: Int64 { capturedBytes }

    public var returnsPartialBatches: Bool { true }

    /// Frames per hand-over: 40 ms of 25,000 requests a second on loopback (two packets each).
    static let handOverFrames = 2048

    public var batchFrames: Int? { Self.handOverFrames }

    public var liveClock: Timestamp? { lastClock }

    public var liveCounts: LiveCaptureCounts? { kernelCounts() }

    public func takeDiagnostics() -> [Diagnostic] {
        defer { diagnostics = [] }
        return diagnostics
    }

    public func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool {
        guard !isFinished else { return false }
        // The read fills a local collector, the copies moved out of the capture and back at the end:
        // reached through a pointer by libpcap's callback, it costs no exclusivity check per packet
        // (about 100 instructions each, two per packet when the callback and the loop used `self.copies`).
        var collector = PacketCollector(copies: PacketCopies(), timestampUnits: timestampUnits, filter: nflogFilter, isNFLOG: linkType == .nflog)
        swap(&collector.copies, &copies)
        defer {
            swap(&collector.copies, &copies)
            rejected &+= collector.rejected
        }
        var readable = false
        var slept = false
        while true {
            let stopping = StopSignal.isRequested
            dispatch(into: &collector, maximumFrames: maximumFrames, maximumBytes: maximumBytes, readable: readable, everyMessage: slept)
            readable = false
            slept = false
            let delivered = collector.copies.packets.count
            let deliveredBytes = collector.copies.bytes
            if isFinished { break }
            if delivered > 0 {
                // NFLOG messages come every millisecond or so under load while some packets have no
                // kernel time, ring blocks every few milliseconds at high rates: gather them until the
                // first packet is due.
                guard !stopping, delivered < maximumFrames, deliveredBytes < maximumBytes,
                    let first = collector.copies.packets.first?.timestamp
                else { break }
                let now = Self.now()
                let left = min(first, now).advanced(by: .milliseconds(Int64(Self.handOverMilliseconds))).since(now).milliseconds
                guard left >= 1 else { break }
                if batching.plan.sleepsUntilHandOver {
                    // Kernel-timed NFLOG packets: sleep through their messages, then take them all.
                    _ = waitForPackets(milliseconds: Int32(left), watchingCapture: false)
                    slept = true
                    continue
                }
                let wake = waitForPackets(milliseconds: Int32(left))
                if wake == .nothing { break }
                readable = wake == .packets
                continue
            }
            if stopping {
                if !tookLastPackets {
                    takeLastPackets()
                    continue
                }
                // Everything the kernel held when the stop came has been read: the input ends here.
                isFinished = true
                settleLedger()
                break
            }
            let wake = waitForPackets(milliseconds: Self.idleWaitMilliseconds)
            if wake == .nothing { break }
            readable = wake == .packets
        }
        let delivered = collector.copies.packets.count
        let withoutKernelTime = collector.withoutKernelTime
        handOutFrames(of: &collector.copies, record: record)
        let now = Self.now()
        lastClock = now
        if !nflogGroups.isEmpty, let plan = batching.record(packets: delivered, withoutKernelTime: withoutKernelTime, at: now) {
            askForBatches(of: plan.threshold)
        }
        reportDropsIfDue(diagnostic: diagnostic)
        return !isFinished
    }

    // MARK: - Reading

    /// At the stop, makes the kernel hand over what it still holds back: an NFLOG group's packets
    /// gathered for the next message (the group is unbound, which sends them; the count of logged
    /// packets is read first), a ring's block not yet full (its timer hands it over within two ticks).
    private func takeLastPackets() {
        tookLastPackets = true
        if linkType == .nflog {
            let logged = ledger?.loggedPackets(false)
            ledger?.loggedAtStop = logged
            for group in nflogGroups { _ = hark_nflog_unbind(selectableDescriptor, group) }
        } else {
            var entry = pollfd(fd: selectableDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 2 &* Self.blockMilliseconds)
        }
    }

    /// Copies what the kernel holds into `collector`, until the read holds `maximumFrames` frames or
    /// `maximumBytes` bytes (past them by the rest of an NFLOG message), without waiting. `readable`: a
    /// poll just said the descriptor has something. `everyMessage`: take every NFLOG message waiting,
    /// not only the first (after a sleep through them).
    private func dispatch(into collector: inout PacketCollector, maximumFrames: Int, maximumBytes: Int, readable: Bool, everyMessage: Bool) {
        var readable = readable
        while collector.copies.packets.count < maximumFrames, collector.copies.bytes < maximumBytes {
            let nflog = linkType == .nflog
            // libpcap's NFLOG reader takes EAGAIN on its non-blocking socket for an error (1.10): read
            // only what poll says is there, one netlink message (`recv`) per call, and all of its
            // packets (-1): packets left in libpcap's buffer would wait, unseen by poll, for the next.
            if nflog, !readable, !hasPendingInput() { break }
            readable = false
            let limit: Int32 = nflog ? -1 : Int32(clamping: min(maximumFrames &- collector.copies.packets.count, 256))
            let count = withUnsafeMutablePointer(to: &collector) { pointer in
                pcap_dispatch(handle, limit, collectPacket, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UInt8.self))
            }
            if count < 0 {
                if count != PCAP_ERROR_BREAK {
                    diagnostics.append(Diagnostic(.error, "capture on '\(name)' failed: \(String(cString: pcap_geterr(handle)))"))
                }
                isFinished = true
                break
            }
            // After a message, `read` waits (or polls) for the next, unless it slept through them: no
            // poll here that finds nothing.
            if count == 0 || (nflog && !everyMessage) { break }
        }
    }

    /// Hands the packets of this read to `record` as frames.
    private func handOutFrames(of copies: inout PacketCopies, record: (CaptureRecord) -> Void) {
        var number = frameCount
        var bytes: Int64 = 0
        let linkType = self.linkType
        copies.handOut { data, packet in
            number += 1
            bytes += Int64(packet.length)
            let frame = CapturedFrame(
                number: number, timestamp: packet.timestamp, linkType: linkType, interfaceIndex: 0,
                originalLength: packet.originalLength, data: data, fileOffset: -1
            )
            record(.frame(frame))
        }
        frameCount = number
        capturedBytes += bytes
    }

    /// Whether the capture's descriptor has something to read now.
    private func hasPendingInput() -> Bool {
        var entry = pollfd(fd: selectableDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// What ended a wait.
    private enum Wake {
        /// The capture's descriptor has something to read.
        case packets
        /// A stop was requested.
        case stop
        /// The time ran out, or the input ended (the capture's descriptor failed).
        case nothing
    }

    /// Waits for a packet or a stop request, at most `milliseconds`; for a stop request only when not
    /// `watchingCapture`.
    private func waitForPackets(milliseconds: Int32, watchingCapture: Bool = true) -> Wake {
        // A descriptor of -1 is not watched.
        var entries = (
            pollfd(fd: watchingCapture ? selectableDescriptor : -1, events: Int16(POLLIN), revents: 0),
            pollfd(fd: StopSignal.descriptor, events: Int16(POLLIN), revents: 0)
        )
        let count: nfds_t = StopSignal.descriptor >= 0 ? 2 : 1
        let ready = withUnsafeMutableBytes(of: &entries) { bytes in
            poll(bytes.baseAddress?.assumingMemoryBound(to: pollfd.self), count, milliseconds)
        }
        if ready == 0 || (ready < 0 && errno == EINTR) { return .nothing }
        if ready < 0 || entries.0.revents & Int16(POLLERR | POLLNVAL) != 0 {
            diagnostics.append(Diagnostic(.error, "capture on '\(name)' ended: the device reported an error"))
            isFinished = true
            return .nothing
        }
        return entries.0.revents & Int16(POLLIN) != 0 ? .packets : .stop
    }

    // MARK: - NFLOG batches

    /// Asks the kernel for NFLOG messages of `threshold` packets (`NFLOGBatching`), sent at the next
    /// timer tick at the latest. Without it the kernel's defaults apply: 100 packets or one second.
    private func askForBatches(of threshold: Int) {
        for group in nflogGroups {
            _ = hark_nflog_batch(selectableDescriptor, group, UInt32(clamping: threshold), 0, NFLOGBatching.bufferSize)
        }
    }

    /// The groups of an `nflog:G[,G…]` device, as libpcap reads them (group 0 when none is given).
    static func nflogGroups(_ device: String) -> [UInt16] {
        let list = device.split(separator: ":", maxSplits: 1).dropFirst().first ?? ""
        let groups = list.split(separator: ",").compactMap { UInt16($0) }
        return groups.isEmpty ? [0] : groups
    }

    // MARK: - Helpers

    /// The text of libpcap's NUL-terminated error buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(seconds: Int64(time.tv_sec), fraction: Int64(time.tv_nsec), unitsPerSecond: 1_000_000_000)
    }

    private static func activationError(_ status: Int32, handle: OpaquePointer, device: String) -> LiveCaptureError {
        let detail = String(cString: pcap_geterr(handle))
        switch status {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return LiveCaptureError(.noSuchDevice, NetworkInterfaces.missingMessage(device))
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            return LiveCaptureError(.permissionDenied, "capturing on '\(device)' needs root or CAP_NET_RAW: try sudo")
        case PCAP_ERROR_IFACE_NOT_UP:
            return LiveCaptureError(.interfaceDown, "interface '\(device)' is down: bring it up (ip link set \(device) up)")
        default:
            let reason = detail.isEmpty ? String(cString: pcap_statustostr(status)) : detail
            return LiveCaptureError(.other, "cannot capture on '\(device)': \(reason)")
        }
    }
}

@available(*, unavailable)
extension LiveCapture: Sendable {}

