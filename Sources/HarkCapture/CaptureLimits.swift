/// Bounds that keep a hostile or damaged capture from taking unbounded memory.
///
/// The defaults suit every capture tcpdump, dumpcap and tshark write; raise them only for captures that
/// really hold bigger records (USB or D-Bus captures can).
public struct CaptureLimits: Hashable, Sendable {
    /// The largest captured length accepted for one packet. Default 262,144 bytes (256 KiB), libpcap's
    /// and Wireshark's maximum snapshot length; a longer record is treated as corrupt.
    public var maximumPacketLength: Int
    /// The largest pcapng block accepted. Default 16 MiB, Wireshark's limit; it bounds how much a
    /// Decryption Secrets Block or an unknown block can make the reader buffer. A longer block is
    /// reported and skipped as damage: a Decryption Secrets Block over it loses its secrets (split such
    /// a key log over several blocks, or pass it with `--keylog`).
    public var maximumBlockLength: Int
    /// The most interfaces one pcapng section may describe. Default 4,096; later Interface
    /// Description Blocks are reported and ignored.
    public var maximumInterfaces: Int
    /// How many bytes each read(2) asks for. Default 1 MiB; values under 4 KiB count as 4 KiB.
    public var chunkSize: Int
    /// How many diagnostics the reader keeps until they are taken. Default 1,000; later ones are
    /// counted in `CaptureReader.droppedDiagnosticCount`.
    public var maximumStoredDiagnostics: Int

    public init(
        maximumPacketLength: Int = 262_144,
        maximumBlockLength: Int = 16 << 20,
        maximumInterfaces: Int = 4_096,
        chunkSize: Int = 1 << 20,
        maximumStoredDiagnostics: Int = 1_000
    ) {
        self.maximumPacketLength = maximumPacketLength
        self.maximumBlockLength = maximumBlockLength
        self.maximumInterfaces = maximumInterfaces
        self.chunkSize = chunkSize
        self.maximumStoredDiagnostics = maximumStoredDiagnostics
    }
}
