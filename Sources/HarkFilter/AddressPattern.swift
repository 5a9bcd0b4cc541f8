import HarkCore

/// An address, a CIDR block, or an address with a port, as `ip`, `client` and `server` values give
/// them: `10.0.0.1`, `10.0.0.0/8`, `10.0.0.1:80`, `::1`, `2001:db8::/32`, `[::1]:443`.
struct AddressPattern: Hashable, Sendable {
    /// The address with the bits beyond the prefix cleared.
    private let network: IPAddress
    /// Leading bits that must be equal: 32 or 128 for a single address.
    private let prefixLength: Int
    /// The port, when the value gave one.
    let port: UInt16?

    /// Parses a pattern; nil when the text is none of the forms above. A port is only taken when
    /// `allowsPort` (never together with a prefix length).
    init?(_ text: String, allowsPort: Bool) {
        var addressText = Substring(text)
        var port: UInt16?
        if addressText.hasPrefix("[") {
            guard let close = addressText.firstIndex(of: "]") else { return nil }
            let rest = addressText[addressText.index(after: close)...]
            addressText = addressText[addressText.index(after: addressText.startIndex)..<close]
            if !rest.isEmpty {
                guard allowsPort, rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = addressText.firstIndex(of: ":"), !addressText[addressText.index(after: colon)...].contains(":") {
            // One colon: IPv4 with a port (IPv6 text has at least two).
            guard allowsPort, let value = UInt16(addressText[addressText.index(after: colon)...]) else { return nil }
            port = value
            addressText = addressText[..<colon]
        }
        var prefixLength: Int?
        if let slash = addressText.firstIndex(of: "/") {
            guard port == nil, let length = Int(addressText[addressText.index(after: slash)...]) else { return nil }
            prefixLength = length
            addressText = addressText[..<slash]
        }
        guard let address = IPAddress(addressText) else { return nil }
        let bits = address.isIPv6 ? 128 : 32
        let length = prefixLength ?? bits
        guard (0...bits).contains(length) else { return nil }
        self.prefixLength = length
        self.network = Self.masked(address, prefixLength: length)
        self.port = port
    }

    /// Whether `address` is the pattern's address, or inside its block.
    func matches(_ address: IPAddress) -> Bool {
        address.isIPv6 == network.isIPv6 && Self.masked(address, prefixLength: prefixLength) == network
    }

    /// Whether `endpoint`'s address matches and, when the pattern has a port, its port too.
    func matches(_ endpoint: Endpoint) -> Bool {
        if let port, endpoint.port != port { return false }
        return matches(endpoint.address)
    }

    private static func masked(_ address: IPAddress, prefixLength: Int) -> IPAddress {
        guard address.isIPv6 else {
            let mask: UInt64 = prefixLength == 0 ? 0 : (0xffff_ffff << UInt64(32 - prefixLength)) & 0xffff_ffff
            return IPAddress(ipv4: UInt32(truncatingIfNeeded: address.low & mask))
        }
        let highBits = min(prefixLength, 64)
        let lowBits = max(prefixLength - 64, 0)
        return IPAddress(ipv6High: address.high & mask(highBits), low: address.low & mask(lowBits))
    }

    /// A 64-bit mask with the top `bits` bits set.
    private static func mask(_ bits: Int) -> UInt64 {
        bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits)
    }
}
