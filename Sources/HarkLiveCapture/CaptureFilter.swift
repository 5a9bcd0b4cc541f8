import CPcap
public import HarkCapture
public import HarkCore
import NIOCore

/// A capture filter (pcap-filter syntax, `tcp port 8080`) applied to packets read from a file or pipe,
/// as libpcap applies it to a live capture in the kernel: compiled by libpcap once per link type
/// (`pcap_open_dead`) and run with `pcap_offline_filter`, so `-f` means the same on every source.
public final class CaptureFilter {
    /// The expression as given.
    public let expression: String
    /// One compiled program per link type seen; nil for a link type the expression cannot apply to.
    private var programs: [LinkType: Program?] = [:]

    /// A program compiled for one link type, freed with it.
    private final class Program {
        var code = bpf_program()

        init?(expression: String, linkType: LinkType, error: inout String) {
            guard let dead = pcap_open_dead(Int32(clamping: linkType.rawValue), 262_144) else {
                error = "libpcap cannot compile for link type \(linkType.rawValue)"
                return nil
            }
            defer { pcap_close(dead) }
            guard pcap_compile(dead, &code, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                error = String(cString: pcap_geterr(dead))
                return nil
            }
        }

        deinit {
            pcap_freecode(&code)
        }
    }

    /// Checks the expression by compiling it for Ethernet, the link type every filter primitive knows.
    ///
    /// - Throws: `LiveCaptureError.Code.badFilter` with libpcap's message.
    public init(_ expression: String) throws(LiveCaptureError) {
        self.expression = expression
        var error = ""
        guard let program = Program(expression: expression, linkType: .ethernet, error: &error) else {
            throw LiveCaptureError(.badFilter, "capture filter '\(expression)': \(error)")
        }
        programs[.ethernet] = program
    }

    /// Whether the filter keeps `frame`; nil when the expression cannot apply to the frame's link type
    /// (`compileError` says why).
    func matches(_ frame: CapturedFrame, compileError: inout String?) -> Bool? {
        let program: Program?
        if let known = programs[frame.linkType] {
            program = known
        } else {
            var error = ""
            program = Program(expression: expression, linkType: frame.linkType, error: &error)
            programs[frame.linkType] = program
            if program == nil { compileError = error }
        }
        guard let program else { return nil }
        var header = pcap_pkthdr()
        header.caplen = UInt32(clamping: frame.data.readableBytes)
        header.len = UInt32(clamping: frame.originalLength)
        return frame.data.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
            return pcap_offline_filter(&program.code, &header, base) != 0
        }
    }
}

@available(*, unavailable)
extension CaptureFilter: Sendable {}

/// A file or pipe read through a `CaptureFilter`: frames the filter rejects are left out (their
/// numbers stay used, so packet numbers still match the file's), everything else passes unchanged.
/// The packets of a link type the expression cannot apply to are left out, said once.
public final class FilteredInput: CaptureInputWrapper {
    public let base: any CaptureInput
    private let filter: CaptureFilter
    private var reportedLinkTypes: Set<LinkType> = []

    public init(_ base: any CaptureInput, filter: CaptureFilter) {
        self.base = base
        self.filter = filter
    }

    public func takeDiagnostics() -> [Diagnostic] {
        base.takeDiagnostics()
    }

    public func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool {
        base.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: { item in
            guard case .frame(let frame) = item else { return record(item) }
            var compileError: String?
            switch filter.matches(frame, compileError: &compileError) {
            case true?: record(item)
            case false?: break
            case nil:
                if let compileError, reportedLinkTypes.insert(frame.linkType).inserted {
                    let message = "capture filter '\(filter.expression)' cannot apply to link type \(frame.linkType): \(compileError); its packets are left out"
                    diagnostic(Diagnostic(.warning, message, packetNumber: frame.number))
                }
            }
        }, diagnostic: diagnostic)
    }
}

@available(*, unavailable)
extension FilteredInput: Sendable {}
