import HarkCore
import HarkHTTP2
import HarkTLS
import NIOCore

/// Recognises HTTP/2 and TLS on a connection joined mid-way (the capture, or `--pid`, began after its
/// start), from the layout of its bytes rather than from opening bytes that were never captured: the
/// HTTP/2 preface and the TLS handshake come before the capture.
///
/// A direction is HTTP/2 (or TLS) when believable frame headers (record headers) chain over all its
/// bytes, each announcing where the next one starts (`FrameChain`). Both directions must agree when
/// both have spoken; one direction alone needs more frames, or no more bytes to come.
enum MidStreamLayout: Equatable {
    /// HTTP/2 frames in every direction that spoke.
    case http2
    /// TLS records, after skipping the given bytes of each direction (the rest of a record cut by the
    /// capture's start).
    case tls(clientSkip: Int, serverSkip: Int)
    /// One direction chains but the other has not spoken yet: wait for it.
    case waiting
    /// Neither layout.
    case neither

    /// Complete frames (records) one direction alone needs to count as the protocol.
    static let oneSidedUnits = 3

    /// Examines the first bytes of both directions.
    ///
    /// - Parameters:
    ///   - client: the client direction's bytes so far.
    ///   - server: the server direction's bytes so far.
    ///   - settled: true when no more bytes will be waited for (a direction ended, or the search limit).
    static func recognise(client: ByteBuffer, server: ByteBuffer, settled: Bool) -> MidStreamLayout {
        let http2 = decide(client, server, settled: settled) { HTTP2FrameHeader.chain(in: $0, minimumFrames: $1) }
        switch http2 {
        case .found: return .http2
        case .waiting: return .waiting
        case .no: break
        }
        var skips = (client: 0, server: 0)
        let tls = decide(client, server, settled: settled) { bytes, minimum in
            TLSAnalyzer.recordChain(in: bytes, minimumRecords: minimum)
        } found: { isClient, chain in
            if isClient { skips.client = chain.offset } else { skips.server = chain.offset }
        }
        switch tls {
        case .found: return .tls(clientSkip: skips.client, serverSkip: skips.server)
        case .waiting: return .waiting
        case .no: return .neither
        }
    }

    private enum Decision { case found, waiting, no }

    /// Applies the two-direction rule with one protocol's chain finder.
    private static func decide(
        _ client: ByteBuffer,
        _ server: ByteBuffer,
        settled: Bool,
        chain: (ByteBuffer, Int) -> FrameChain?,
        found: (Bool, FrameChain) -> Void = { _, _ in }
    ) -> Decision {
        let spoke = [(client, true), (server, false)].filter { $0.0.readableBytes > 0 }
        guard !spoke.isEmpty else { return .no }
        // A unit cut by the capture's start may precede the first header; then more units must follow.
        var chains: [(FrameChain, Bool)] = []
        for (bytes, isClient) in spoke {
            guard let found = chain(bytes, 1) else { return .no }
            if found.offset > 0, found.completeUnits < 2 { return .no }
            chains.append((found, isClient))
        }
        if chains.count == 1 {
            guard let (only, isClient) = chains.first else { return .no }
            if only.completeUnits >= oneSidedUnits || (settled && only.completeUnits >= 2) {
                found(isClient, only)
                return .found
            }
            return settled ? .no : .waiting
        }
        for (chain, isClient) in chains { found(isClient, chain) }
        return .found
    }
}
