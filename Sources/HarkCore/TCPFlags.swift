/// TCP control bits (RFC 9293 §3.1, plus ECN's CWR and ECE from RFC 3168).
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    // Computed and inlinable rather than stored: reassembly tests flags several times per packet, and
    // a stored `static let` of another module is read through an accessor call each time.
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x001) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x002) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x004) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x008) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x010) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x020) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x040) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x080) }

    /// Flags as tcpdump prints them: `S`, `S.`, `F.`, `R`, `P.`.
    public var description: String {
        var text = ""
        if contains(.syn) { text += "S" }
        if contains(.fin) { text += "F" }
        if contains(.rst) { text += "R" }
        if contains(.psh) { text += "P" }
        if contains(.urg) { text += "U" }
        if contains(.ece) { text += "E" }
        if contains(.cwr) { text += "W" }
        if contains(.ack) { text += "." }
        return text.isEmpty ? "none" : text
    }
}
