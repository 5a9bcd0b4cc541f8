import Glibc
public import HarkCore
public import HarkFormat
import NIOCore

/// An input that writes what it reads to a pcapng file as the run goes (`-w FILE.pcapng`): every record
/// its base input hands out, in order, plus the TLS secrets of the run as Decryption Secrets Blocks,
/// so that Wireshark opens the file already decrypted and hark reads it later without `--keylog`.
///
/// Secrets come from three places: the key logs given at the start (one block before the first
/// packet), the pcapng blocks of the base input (copied where they are), and key logs that grow during
/// the run (a launched command's `SSLKEYLOGFILE`). A client writes a secret only after the packets that
/// need it arrived (TLS 1.3's handshake secret follows the ServerHello), while a reader such as tshark
/// needs it before them. So while a key log is followed, packets wait up to `holdTime` (at most
/// `holdBytes`) before they are written, and new secrets are written ahead of the packets still waiting.
///
/// A write that fails (a full disk) is reported once as a diagnostic; the recording stops there and the
/// analysis goes on.
public final class PcapNGRecorder: CaptureInputWrapper {
    /// How long packets wait for secrets while a key log is followed.
    public static let holdTime = TimeSpan.seconds(1)
    /// The most bytes of packets that wait; beyond, the oldest are written at once.
    public static let holdBytes = 64 << 20

    public let base: any CaptureInput
    private let sink: FileDescriptorSink
    private let path: String
    private let followed: [AppendedLines]
    private var encoder = PcapNGEncoder(application: "hark")
    /// Encoded packets waiting for secrets, each with the monotonic time it was read.
    private var held: [(readAt: Timestamp, bytes: [UInt8])] = []
    private var heldByteCount = 0
    private var failure: String?
    private var isFinished = false
    private var diagnostics: [Diagnostic] = []

    /// Starts the file: its section header, then the secrets of `keyLogPaths` as one block.
    ///
    /// - Parameters:
    ///   - base: the input whose records are written.
    ///   - sink: the open file to write to, left open (everything is written once the base input ends).
    ///   - path: the file's name in diagnostics.
    ///   - keyLogPaths: key logs read once, now (`--keylog`); an unreadable one is left out (the
    ///     session reports it).
    ///   - followedKeyLogPaths: key logs that grow during the run.
    public init(
        _ base: any CaptureInput,
        writingTo sink: FileDescriptorSink,
        path: String,
        keyLogPaths: [String] = [],
        followedKeyLogPaths: [String] = []
    ) {
        self.base = base
        self.sink = sink
        self.path = path
        self.followed = followedKeyLogPaths.map { AppendedLines(path: $0, maximumBytes: Self.maximumKeyLogBytes) }
        var secrets: [UInt8] = []
        for keyLog in keyLogPaths {
            var restarted = false
            secrets += (try? AppendedLines(path: keyLog, maximumBytes: Self.maximumKeyLogBytes).read(restarted: &restarted)) ?? []
        }
        if !secrets.isEmpty { encoder.appendSecrets(.tlsKeyLog, secrets) }
        write(encoder.take())
    }

    deinit {
        finish()
    }

    /// The most bytes taken from one key log (as the session reads at most).
    private static let maximumKeyLogBytes = 256 << 20

    public func takeDiagnostics() -> [Diagnostic] {
        finish()
        defer { diagnostics.removeAll() }
        return base.takeDiagnostics() + diagnostics
    }

    public func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool {
        let more = base.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: { item in
            switch item {
            case .frame(let frame): encoder.append(frame)
            case .decryptionSecrets(let secrets): encoder.appendSecrets(secrets.type, secrets.data.readableBytesView)
            }
            record(item)
        }, diagnostic: diagnostic)
        let packets = encoder.take()
        if followed.isEmpty {
            write(packets)
        } else {
            // Secrets read now were written before the packets just read were sent, or belong to
            // packets still held: either way they go ahead of every held packet.
            writeNewSecrets()
            if !packets.isEmpty { hold(packets) }
            release(all: false)
        }
        if !more { finish() }
        for problem in diagnostics { diagnostic(problem) }
        diagnostics.removeAll()
        return more
    }

    /// Writes what the followed key logs gained as one block.
    private func writeNewSecrets() {
        var secrets: [UInt8] = []
        for keyLog in followed {
            var restarted = false
            secrets += (try? keyLog.read(restarted: &restarted)) ?? []
        }
        guard !secrets.isEmpty else { return }
        encoder.appendSecrets(.tlsKeyLog, secrets)
        write(encoder.take())
    }

    private func hold(_ packets: [UInt8]) {
        held.append((monotonicNow(), packets))
        heldByteCount += packets.count
    }

    /// Writes the held packets that waited long enough (all of them when `all`, the oldest beyond the
    /// byte limit either way).
    private func release(all: Bool) {
        let now = monotonicNow()
        var released = 0
        for item in held {
            guard all || heldByteCount > Self.holdBytes || now.since(item.readAt) >= Self.holdTime else { break }
            write(item.bytes)
            heldByteCount -= item.bytes.count
            released += 1
        }
        held.removeFirst(released)
    }

    /// Writes the last secrets and every held packet (once).
    private func finish() {
        guard !isFinished else { return }
        isFinished = true
        writeNewSecrets()
        release(all: true)
    }

    private func write(_ bytes: [UInt8]) {
        guard failure == nil, !bytes.isEmpty else { return }
        do {
            try bytes.withUnsafeBytes { try sink.write($0) }
        } catch {
            let reason = (error as? OutputSinkError).map { String(cString: strerror($0.errno)) } ?? "\(error)"
            failure = reason
            diagnostics.append(Diagnostic(.error, "cannot write \(path): \(reason); the recording stops here"))
        }
    }
}

@available(*, unavailable)
extension PcapNGRecorder: Sendable {}
