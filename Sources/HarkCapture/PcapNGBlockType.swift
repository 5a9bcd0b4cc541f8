/// A pcapng block type code (pcapng §11.1).
struct PcapNGBlockType: RawRepresentable, Hashable, CustomStringConvertible {
    var rawValue: UInt32

    init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Section Header Block; its code reads the same in both byte orders.
    static let sectionHeader = PcapNGBlockType(rawValue: 0x0A0D_0D0A)
    /// Interface Description Block.
    static let interfaceDescription = PcapNGBlockType(rawValue: 1)
    /// Packet Block, obsoleted by the Enhanced Packet Block.
    static let obsoletePacket = PcapNGBlockType(rawValue: 2)
    /// Simple Packet Block.
    static let simplePacket = PcapNGBlockType(rawValue: 3)
    /// Name Resolution Block.
    static let nameResolution = PcapNGBlockType(rawValue: 4)
    /// Interface Statistics Block.
    static let interfaceStatistics = PcapNGBlockType(rawValue: 5)
    /// Enhanced Packet Block.
    static let enhancedPacket = PcapNGBlockType(rawValue: 6)
    /// systemd Journal Export Block.
    static let systemdJournalExport = PcapNGBlockType(rawValue: 9)
    /// Decryption Secrets Block.
    static let decryptionSecrets = PcapNGBlockType(rawValue: 0x0A)
    /// Custom Block that may be copied.
    static let custom = PcapNGBlockType(rawValue: 0x0000_0BAD)
    /// Custom Block that must not be copied.
    static let customDoNotCopy = PcapNGBlockType(rawValue: 0x4000_0BAD)

    /// Whether the type is one of the standard ones above: resynchronisation only trusts those.
    var isKnown: Bool {
        switch self {
        case .sectionHeader, .interfaceDescription, .obsoletePacket, .simplePacket, .nameResolution,
            .interfaceStatistics, .enhancedPacket, .systemdJournalExport, .decryptionSecrets, .custom,
            .customDoNotCopy:
            true
        default:
            false
        }
    }

    /// Whether blocks of this type carry a packet, and so a packet number.
    var isPacket: Bool { self == .enhancedPacket || self == .simplePacket || self == .obsoletePacket }

    /// The smallest valid total length of a block of this type.
    var minimumLength: Int {
        switch self {
        case .sectionHeader: 28
        case .enhancedPacket, .obsoletePacket: 32
        case .interfaceDescription, .decryptionSecrets: 20
        case .simplePacket: 16
        default: 12
        }
    }

    var description: String {
        switch self {
        case .sectionHeader: "section header block"
        case .interfaceDescription: "interface description block"
        case .obsoletePacket: "packet block"
        case .simplePacket: "simple packet block"
        case .nameResolution: "name resolution block"
        case .interfaceStatistics: "interface statistics block"
        case .enhancedPacket: "enhanced packet block"
        case .systemdJournalExport: "systemd journal export block"
        case .decryptionSecrets: "decryption secrets block"
        case .custom, .customDoNotCopy: "custom block"
        default: "block of type 0x\(String(rawValue, radix: 16))"
        }
    }
}
