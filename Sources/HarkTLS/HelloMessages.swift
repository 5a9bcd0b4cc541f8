package import NIOCore

/// The parts of a ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) the analyzer uses.
package struct ClientHello {
    package var random: TLSRandom
    var sessionID: ByteBuffer
    /// The cipher suites offered, in the client's order of preference.
    package var cipherSuites: [TLSCipherSuite] = []
    package var serverName: String?
    package var alpn: [String] = []
    var supportedVersions: [TLSVersion] = []
    package var offersEarlyData = false
    var extendedMasterSecret = false
    var encryptThenMAC = false

    /// Parses a ClientHello body; nil when it is malformed.
    package init?(body: ByteBuffer) {
        var body = body
        guard body.readInteger(as: UInt16.self) != nil,
            let random = TLSRandom(reading: &body),
            let sessionID = body.readPrefixedSlice(UInt8.self),
            var suites = body.readPrefixedSlice(UInt16.self),
            body.readPrefixedSlice(UInt8.self) != nil  // legacy_compression_methods
        else { return nil }
        self.random = random
        self.sessionID = sessionID
        while let suite = suites.readInteger(as: UInt16.self) {
            cipherSuites.append(TLSCipherSuite(rawValue: suite))
        }
        let ok = body.forEachExtension { type, data in
            var data = data
            switch type {
            case .serverName: serverName = data.readServerName()
            case .applicationLayerProtocolNegotiation: alpn = data.readProtocolNames()
            case .supportedVersions:
                guard var list = data.readPrefixedSlice(UInt8.self) else { return false }
                while let version = list.readInteger(as: UInt16.self) {
                    supportedVersions.append(TLSVersion(rawValue: version))
                }
            case .earlyData: offersEarlyData = true
            case .extendedMasterSecret: extendedMasterSecret = true
            case .encryptThenMAC: encryptThenMAC = true
            default: break
            }
            return true
        }
        guard ok else { return nil }
    }
}

/// The parts of a ServerHello or HelloRetryRequest (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3) the analyzer uses.
package struct ServerHello {
    /// The negotiated version: `supported_versions` when present (TLS 1.3), else the legacy field.
    package var version: TLSVersion
    package var random: TLSRandom
    var sessionID: ByteBuffer
    package var cipherSuite: TLSCipherSuite
    package var alpn: String?
    var extendedMasterSecret = false
    var encryptThenMAC = false
    /// TLS 1.3: the server accepted a pre-shared key (resumption).
    package var acceptsPreSharedKey = false

    /// Whether this is a HelloRetryRequest (its random is the special value of RFC 8446 §4.1.3).
    package var isHelloRetryRequest: Bool { random == .helloRetryRequest }

    /// Parses a ServerHello body; nil when it is malformed.
    package init?(body: ByteBuffer) {
        var body = body
        guard let legacyVersion = body.readInteger(as: UInt16.self),
            let random = TLSRandom(reading: &body),
            let sessionID = body.readPrefixedSlice(UInt8.self),
            let suite = body.readInteger(as: UInt16.self),
            body.readInteger(as: UInt8.self) != nil  // legacy_compression_method
        else { return nil }
        self.version = TLSVersion(rawValue: legacyVersion)
        self.random = random
        self.sessionID = sessionID
        self.cipherSuite = TLSCipherSuite(rawValue: suite)
        let ok = body.forEachExtension { type, data in
            var data = data
            switch type {
            case .supportedVersions:
                guard let selected = data.readInteger(as: UInt16.self) else { return false }
                version = TLSVersion(rawValue: selected)
            case .applicationLayerProtocolNegotiation: alpn = data.readProtocolNames().first
            case .extendedMasterSecret: extendedMasterSecret = true
            case .encryptThenMAC: encryptThenMAC = true
            case .preSharedKey: acceptsPreSharedKey = true
            default: break
            }
            return true
        }
        guard ok else { return nil }
    }
}

/// The parts of a TLS 1.3 EncryptedExtensions message (RFC 8446 §4.3.1) the analyzer uses.
package struct EncryptedExtensions {
    package var alpn: String?

    /// Parses an EncryptedExtensions body; nil when it is malformed.
    package init?(body: ByteBuffer) {
        var body = body
        guard var extensions = body.readPrefixedSlice(UInt16.self) else { return nil }
        let ok = extensions.forEachExtensionInList { type, data in
            var data = data
            if type == .applicationLayerProtocolNegotiation {
                alpn = data.readProtocolNames().first
            }
            return true
        }
        guard ok else { return nil }
    }
}

extension ByteBuffer {
    /// Reads a slice whose length precedes it as a big-endian `Prefix`; nil (nothing consumed) when short.
    mutating func readPrefixedSlice<Prefix: FixedWidthInteger>(_: Prefix.Type) -> ByteBuffer? {
        let start = readerIndex
        guard let length = readInteger(as: Prefix.self), let slice = readSlice(length: Int(length)) else {
            moveReaderIndex(to: start)
            return nil
        }
        return slice
    }

    /// Calls `body` for each extension of a hello's optional trailing extension block; false when the
    /// block is malformed or `body` says so. No block at all is valid (pre-TLS 1.2 hellos).
    mutating func forEachExtension(_ body: (ExtensionType, ByteBuffer) -> Bool) -> Bool {
        guard readableBytes > 0 else { return true }
        guard var list = readPrefixedSlice(UInt16.self) else { return false }
        return list.forEachExtensionInList(body)
    }

    /// Calls `body` for each `(type, data)` extension in this buffer.
    mutating func forEachExtensionInList(_ body: (ExtensionType, ByteBuffer) -> Bool) -> Bool {
        while readableBytes > 0 {
            guard let type = readInteger(as: UInt16.self), let data = readPrefixedSlice(UInt16.self),
                body(ExtensionType(rawValue: type), data)
            else { return false }
        }
        return true
    }

    /// The first host_name of a `server_name` extension (RFC 6066 §3), at most 255 bytes of it.
    mutating func readServerName() -> String? {
        guard var list = readPrefixedSlice(UInt16.self) else { return nil }
        while let nameType = list.readInteger(as: UInt8.self), var name = list.readPrefixedSlice(UInt16.self) {
            if nameType == 0 {
                return name.readString(length: min(name.readableBytes, 255))
            }
        }
        return nil
    }

    /// The protocol names of an ALPN extension (RFC 7301 §3.1), at most 32 of them.
    mutating func readProtocolNames() -> [String] {
        guard var list = readPrefixedSlice(UInt16.self) else { return [] }
        var names: [String] = []
        while names.count < 32, var name = list.readPrefixedSlice(UInt8.self) {
            names.append(name.readString(length: name.readableBytes) ?? "")
        }
        return names
    }
}
