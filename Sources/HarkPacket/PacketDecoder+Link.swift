import HarkCore

/// Where the network layer starts, or what the frame was when it holds no IP.
///
/// Kept to a couple of registers, so that returning it through each link-layer step costs nothing:
/// the rare error is boxed.
enum NetworkLayer {
    case ipv4(at: Int)
    case ipv6(at: Int)
    case other(Traffic)
    indirect case malformed(PacketError)
}

extension LinkType {
    /// DLT_RAW as most BSDs numbered it, found in old capture files.
    static let bsdRaw = LinkType(rawValue: 12)
    /// DLT_RAW as OpenBSD and BSD/OS numbered it, found in old capture files.
    static let openBSDRaw = LinkType(rawValue: 14)
}

extension PacketDecoder {
    /// Where the network layer starts in a frame of `linkType`.
    static func networkLayer(in frame: WireBytes, linkType: LinkType) -> NetworkLayer {
        switch linkType {
        case .ethernet: ethernet(frame)
        case .linuxSLL: linuxSLL(frame)
        case .linuxSLL2: linuxSLL2(frame)
        case .raw, .bsdRaw, .openBSDRaw: rawIP(frame)
        case .ipv4: .ipv4(at: 0)
        case .ipv6: .ipv6(at: 0)
        case .null: loopback(frame, networkByteOrder: false)
        case .loop: loopback(frame, networkByteOrder: true)
        case .nflog: NFLOGFrame.networkLayer(in: frame)
        default: .other(.unsupportedLinkType(linkType))
        }
    }

    /// Ethernet II: 6-byte destination, 6-byte source, 2-byte EtherType (or IEEE 802.3 length).
    private static func ethernet(_ frame: WireBytes) -> NetworkLayer {
        guard let type = frame.uint16(12) else { return truncated(.ethernet, at: 0, needed: 14, in: frame) }
        guard type >= EtherType.minimumType else { return .other(.llc) }
        return etherType(EtherType(rawValue: type), at: 14, in: frame)
    }

    /// Follows an EtherType through any stack of 802.1Q / 802.1ad tags and a PPPoE session header.
    private static func etherType(_ outer: EtherType, at start: Int, in frame: WireBytes) -> NetworkLayer {
        var type = outer
        var offset = start
        while type.isVLANTag {
            // A tag is 2 bytes of priority and VLAN ID, then the inner EtherType.
            guard let inner = frame.uint16(offset &+ 2) else {
                return truncated(.vlan, at: offset, needed: 4, in: frame)
            }
            guard inner >= EtherType.minimumType else { return .other(.llc) }
            type = EtherType(rawValue: inner)
            offset &+= 4
        }
        switch type {
        case .ipv4: return .ipv4(at: offset)
        case .ipv6: return .ipv6(at: offset)
        case .pppoeSession: return pppoeSession(frame, at: offset)
        case .arp: return .other(.arp)
        default: return .other(.nonIPEtherType(type))
        }
    }

    /// PPPoE session stage (RFC 2516 §4): version/type 0x11, code 0, session ID, length, then the PPP
    /// protocol field.
    private static func pppoeSession(_ frame: WireBytes, at offset: Int) -> NetworkLayer {
        guard let versionAndType = frame.byte(offset), let code = frame.byte(offset &+ 1),
            let protocolHigh = frame.byte(offset &+ 6)
        else { return truncated(.pppoe, at: offset, needed: 7, in: frame) }
        guard versionAndType == 0x11, code == 0 else {
            let problem = PacketError.Problem.unexpectedPPPoEHeader(versionAndType: versionAndType, code: code)
            return .malformed(PacketError(layer: .pppoe, offset: offset, problem: problem))
        }
        let pppProtocol: PPPProtocol
        let payload: Int
        if protocolHigh & 1 == 1 {
            // RFC 1661 §6.5: with protocol-field compression, protocols below 0x100 take one (odd) byte.
            pppProtocol = PPPProtocol(rawValue: UInt16(protocolHigh))
            payload = offset &+ 7
        } else {
            guard let full = frame.uint16(offset &+ 6) else {
                return truncated(.pppoe, at: offset, needed: 8, in: frame)
            }
            pppProtocol = PPPProtocol(rawValue: full)
            payload = offset &+ 8
        }
        switch pppProtocol {
        case .ipv4: return .ipv4(at: payload)
        case .ipv6: return .ipv6(at: payload)
        default: return .other(.nonIPPPPProtocol(pppProtocol))
        }
    }

    /// Linux cooked capture v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.
    private static func linuxSLL(_ frame: WireBytes) -> NetworkLayer {
        guard let type = frame.uint16(14) else { return truncated(.linuxSLL, at: 0, needed: 16, in: frame) }
        return etherType(EtherType(rawValue: type), at: 16, in: frame)
    }

    /// Linux cooked capture v2: protocol, reserved, interface index, ARPHRD type, packet type, address
    /// length, 8 address bytes.
    private static func linuxSLL2(_ frame: WireBytes) -> NetworkLayer {
        guard frame.count >= 20, let type = frame.uint16(0) else {
            return truncated(.linuxSLL2, at: 0, needed: 20, in: frame)
        }
        return etherType(EtherType(rawValue: type), at: 20, in: frame)
    }

    /// Raw IP: the version nibble tells IPv4 from IPv6.
    private static func rawIP(_ frame: WireBytes) -> NetworkLayer {
        guard let first = frame.byte(0) else { return truncated(.rawIP, at: 0, needed: 1, in: frame) }
        switch first >> 4 {
        case 4: return .ipv4(at: 0)
        case 6: return .ipv6(at: 0)
        default:
            return .malformed(PacketError(layer: .rawIP, offset: 0, problem: .wrongVersion(first >> 4)))
        }
    }

    /// BSD loopback: a 4-byte address family, in the writer's byte order for NULL and in network byte
    /// order for LOOP. AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 on the BSDs and 10 on Linux.
    private static func loopback(_ frame: WireBytes, networkByteOrder: Bool) -> NetworkLayer {
        guard let raw = frame.uint32(0) else { return truncated(.loopback, at: 0, needed: 4, in: frame) }
        // Families are small numbers, so a value with high bits set was written little-endian.
        let family = networkByteOrder || raw <= 0xFFFF ? raw : raw.byteSwapped
        switch family {
        case 2: return .ipv4(at: 4)
        case 10, 24, 28, 30: return .ipv6(at: 4)
        default: return .other(.nonIPAddressFamily(family))
        }
    }

    private static func truncated(_ layer: PacketError.Layer, at offset: Int, needed: Int, in frame: WireBytes)
        -> NetworkLayer
    {
        let problem = PacketError.Problem.truncated(needed: needed, captured: max(0, frame.count &- offset))
        return .malformed(PacketError(layer: layer, offset: offset, problem: problem))
    }
}
