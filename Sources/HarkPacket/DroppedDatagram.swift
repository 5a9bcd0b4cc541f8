public import HarkCore

/// An IP datagram whose fragments were thrown away before it was complete.
public struct DroppedDatagram: Hashable, Sendable, CustomStringConvertible {
    /// Why reassembly gave up on it.
    public enum Reason: Hashable, Sendable {
        /// The rest did not arrive within `FragmentLimits.timeout`.
        case timedOut
        /// Room was needed for a newer datagram (`FragmentLimits.maximumDatagrams`).
        case tooManyDatagrams
        /// Room was needed for newer fragments (`FragmentLimits.maximumBufferedBytes`).
        case bufferFull
        /// The capture ended first.
        case endOfCapture
    }

    /// The datagram's source address.
    public var source: IPAddress
    /// The datagram's destination address.
    public var destination: IPAddress
    /// The IP identification shared by its fragments.
    public var identification: UInt32
    /// How many fragments had arrived, duplicates included.
    public var fragmentsReceived: Int
    /// How many distinct payload bytes had arrived.
    public var bytesReceived: Int
    /// The capture time of its first fragment.
    public var firstFragmentTime: Timestamp
    /// Why it was dropped.
    public var reason: Reason

    public init(
        source: IPAddress,
        destination: IPAddress,
        identification: UInt32,
        fragmentsReceived: Int,
        bytesReceived: Int,
        firstFragmentTime: Timestamp,
        reason: Reason
    ) {
        self.source = source
        self.destination = destination
        self.identification = identification
        self.fragmentsReceived = fragmentsReceived
        self.bytesReceived = bytesReceived
        self.firstFragmentTime = firstFragmentTime
        self.reason = reason
    }

    /// `IP datagram 10.0.0.1 → 10.0.0.2 id 0x1234 dropped after 2 fragments (1480 bytes): …`.
    public var description: String {
        let why =
            switch reason {
            case .timedOut: "the rest did not arrive within the reassembly timeout"
            case .tooManyDatagrams: "too many datagrams were under reassembly"
            case .bufferFull: "the fragment buffer was full"
            case .endOfCapture: "the capture ended first"
            }
        return "IP datagram \(source) → \(destination) id 0x\(String(identification, radix: 16)) dropped after "
            + "\(fragmentsReceived) fragments (\(bytesReceived) bytes): \(why)"
    }
}
