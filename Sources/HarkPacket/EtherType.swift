/// The 16-bit protocol type of an Ethernet II frame, a VLAN tag's inner frame or a Linux cooked capture
/// (IEEE 802 EtherType registry).
///
/// Values below 0x0600 in an Ethernet frame are IEEE 802.3 lengths, not types.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Internet Protocol version 4 (RFC 894).
    public static let ipv4 = EtherType(rawValue: 0x0800)
    /// Address Resolution Protocol (RFC 826).
    public static let arp = EtherType(rawValue: 0x0806)
    /// IEEE 802.1Q customer VLAN tag.
    public static let vlan = EtherType(rawValue: 0x8100)
    /// Internet Protocol version 6 (RFC 2464).
    public static let ipv6 = EtherType(rawValue: 0x86DD)
    /// PPPoE discovery stage (RFC 2516).
    public static let pppoeDiscovery = EtherType(rawValue: 0x8863)
    /// PPPoE session stage (RFC 2516): a PPP frame follows a 6-byte PPPoE header.
    public static let pppoeSession = EtherType(rawValue: 0x8864)
    /// IEEE 802.1ad service VLAN tag (the outer tag of QinQ).
    public static let serviceVLAN = EtherType(rawValue: 0x88A8)
    /// The pre-standard QinQ outer tag some switches still send.
    public static let legacyQinQ = EtherType(rawValue: 0x9100)

    /// The smallest value that is a type rather than an IEEE 802.3 length.
    static let minimumType: UInt16 = 0x0600

    /// Whether this value announces a 4-byte VLAN tag followed by another EtherType.
    var isVLANTag: Bool { self == .vlan || self == .serviceVLAN || self == .legacyQinQ }

    /// `0x0800` and so on, the way Wireshark prints it.
    public var description: String { fourDigitHex(rawValue) }
}

/// The PPP protocol field that follows a PPPoE session header (IANA PPP DLL protocol numbers).
public struct PPPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Internet Protocol version 4 (RFC 1332).
    public static let ipv4 = PPPProtocol(rawValue: 0x0021)
    /// Internet Protocol version 6 (RFC 5072).
    public static let ipv6 = PPPProtocol(rawValue: 0x0057)
    /// Link Control Protocol (RFC 1661).
    public static let linkControl = PPPProtocol(rawValue: 0xC021)

    /// `0x0021` and so on.
    public var description: String { fourDigitHex(rawValue) }
}

private func fourDigitHex(_ value: UInt16) -> String {
    let hex = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}
