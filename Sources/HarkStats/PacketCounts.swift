/// What happened to the packets of the run, so that `stats` shows what it did not count: packets hark
/// does not analyse (by kind), packets it could not decode, and for a live source the packets the
/// kernel dropped before hark could read them.
public struct PacketCounts: Hashable, Sendable {
    /// One kind of packet left out, and how many.
    public struct Kind: Hashable, Sendable {
        /// The kind as the end-of-run line names it: `UDP`, `ARP`, `link type 9999`.
        public var name: String
        /// How many packets.
        public var count: Int

        public init(name: String, count: Int) {
            self.name = name
            self.count = count
        }
    }

    /// Packets read.
    public var packets: Int
    /// Packets not analysed or not decoded, by kind, most first.
    public var notAnalysed: [Kind]
    /// Packets that could not be decoded (malformed headers).
    public var malformed: Int
    /// For a live source, packets the kernel dropped because hark's buffer was full; nil for a file.
    public var droppedByKernel: UInt64?
    /// For a live source, packets the interface or its driver dropped; nil for a file.
    public var droppedByInterface: UInt64?

    /// - Parameters: as the properties of the same names.
    public init(packets: Int, notAnalysed: [Kind], malformed: Int, droppedByKernel: UInt64? = nil, droppedByInterface: UInt64? = nil) {
        self.packets = packets
        self.notAnalysed = notAnalysed
        self.malformed = malformed
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }

    /// All packets not analysed, whatever their kind.
    public var notAnalysedTotal: Int { notAnalysed.reduce(0) { $0 &+ $1.count } }
}
