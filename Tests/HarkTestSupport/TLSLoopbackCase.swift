extension TLSLoopbackRecorder {
    /// A TLS version, named as OpenSSL and nginx's `$ssl_protocol` name it.
    public enum TLSVersion: String, Sendable, Hashable {
        case tls12 = "TLSv1.2"
        case tls13 = "TLSv1.3"

        /// The version number on the wire (ServerHello `legacy_version` or `supported_versions`).
        public var wireValue: UInt16 {
            switch self {
            case .tls12: 0x0303
            case .tls13: 0x0304
            }
        }
    }

    /// An HTTP version, named as nginx's `$server_protocol` names it.
    public enum HTTPVersion: String, Sendable, Hashable {
        case http11 = "HTTP/1.1"
        case http2 = "HTTP/2.0"

        /// The curl option that asks for it (with ALPN).
        var curlOption: String {
            switch self {
            case .http11: "--http1.1"
            case .http2: "--http2"
            }
        }
    }

    /// Which of the recorder's two nginx servers a case talks to.
    public enum Server: String, Sendable, Hashable, CaseIterable {
        /// OpenSSL's defaults: CBC suites negotiate encrypt_then_mac (RFC 7366).
        case standard
        /// `ssl_conf_command Options -EncryptThenMac`: CBC suites use MAC-then-encrypt.
        case withoutEncryptThenMac
    }

    /// One curl run: the TLS version, cipher suite and HTTP version it forces, and what nginx must log.
    public struct Case: Sendable, Hashable, CustomStringConvertible {
        /// A unique name such as `TLSv1.2 ECDHE-RSA-AES128-SHA HTTP/1.1 no-EtM`.
        public var name: String
        /// The curl options that force the version and suite (repeated for every request of the run).
        public var curlArguments: [String]
        /// The TLS version nginx must log.
        public var tlsVersion: TLSVersion
        /// The cipher suite as OpenSSL and nginx's `$ssl_cipher` name it.
        public var cipher: String
        /// The cipher suite's IANA number, as a ServerHello carries it.
        public var cipherSuite: UInt16
        /// Whether the suite is a CBC one (TLS 1.2 only); the others are AEADs.
        public var isCBC: Bool
        /// The HTTP version nginx must log.
        public var httpVersion: HTTPVersion
        /// The server the run talks to.
        public var server: Server
        /// Whether the run's first request closes its connection, so that the next ones go over a second
        /// connection that resumes the first one's TLS session.
        public var resumesSession: Bool

        /// Whether the records use encrypt_then_mac: CBC suites on the standard server.
        public var usesEncryptThenMac: Bool { isCBC && server == .standard }

        /// The requests of the run, in order.
        public var requests: [Request] {
            resumesSession ? Request.resumptionSequence : Request.standardSequence
        }

        /// How many TCP (and TLS) connections the run opens.
        public var connectionCount: Int { resumesSession ? 2 : 1 }

        public var description: String { name }

        /// A TLS 1.3 case (`--tlsv1.3 --tls13-ciphers`).
        public static func tls13(
            _ cipher: String,
            _ cipherSuite: UInt16,
            _ httpVersion: HTTPVersion,
            resumesSession: Bool = false
        ) -> Case {
            let name = "TLSv1.3 \(cipher) \(httpVersion.rawValue)" + (resumesSession ? " resumed" : "")
            return Case(
                name: name,
                curlArguments: ["--tlsv1.3", "--tls13-ciphers", cipher, httpVersion.curlOption],
                tlsVersion: .tls13, cipher: cipher, cipherSuite: cipherSuite, isCBC: false,
                httpVersion: httpVersion, server: .standard, resumesSession: resumesSession
            )
        }

        /// A TLS 1.2 case (`--tlsv1.2 --tls-max 1.2 --ciphers`).
        public static func tls12(
            _ cipher: String,
            _ cipherSuite: UInt16,
            _ httpVersion: HTTPVersion,
            cbc: Bool = false,
            server: Server = .standard,
            resumesSession: Bool = false
        ) -> Case {
            let suffix = (server == .withoutEncryptThenMac ? " no-EtM" : "") + (resumesSession ? " resumed" : "")
            return Case(
                name: "TLSv1.2 \(cipher) \(httpVersion.rawValue)\(suffix)",
                curlArguments: ["--tlsv1.2", "--tls-max", "1.2", "--ciphers", cipher, httpVersion.curlOption],
                tlsVersion: .tls12, cipher: cipher, cipherSuite: cipherSuite, isCBC: cbc,
                httpVersion: httpVersion, server: server, resumesSession: resumesSession
            )
        }
    }

    /// Every TLS 1.3 suite over both HTTP versions; the TLS 1.2 AEAD suites (ECDHE with RSA and ECDSA
    /// certificates, and RSA key exchange); the CBC suites (SHA-1, SHA-256, SHA-384 MACs, ECDHE and RSA key
    /// exchange) with and without encrypt_then_mac; and one resumed session per TLS version.
    public static let allCipherCases: [Case] = [
        .tls13("TLS_AES_128_GCM_SHA256", 0x1301, .http2),
        .tls13("TLS_AES_128_GCM_SHA256", 0x1301, .http11),
        .tls13("TLS_AES_256_GCM_SHA384", 0x1302, .http2),
        .tls13("TLS_AES_256_GCM_SHA384", 0x1302, .http11),
        .tls13("TLS_CHACHA20_POLY1305_SHA256", 0x1303, .http2),
        .tls13("TLS_CHACHA20_POLY1305_SHA256", 0x1303, .http11),
        .tls12("ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, .http2),
        .tls12("ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, .http11),
        .tls12("ECDHE-RSA-AES256-GCM-SHA384", 0xC030, .http11),
        .tls12("ECDHE-RSA-CHACHA20-POLY1305", 0xCCA8, .http2),
        .tls12("ECDHE-ECDSA-AES128-GCM-SHA256", 0xC02B, .http2),
        .tls12("AES128-GCM-SHA256", 0x009C, .http11),
        .tls12("ECDHE-RSA-AES128-SHA", 0xC013, .http11, cbc: true),
        .tls12("ECDHE-RSA-AES128-SHA", 0xC013, .http11, cbc: true, server: .withoutEncryptThenMac),
        .tls12("ECDHE-RSA-AES128-SHA256", 0xC027, .http2, cbc: true),
        .tls12("ECDHE-RSA-AES128-SHA256", 0xC027, .http11, cbc: true, server: .withoutEncryptThenMac),
        .tls12("ECDHE-RSA-AES256-SHA384", 0xC028, .http11, cbc: true),
        .tls12("ECDHE-RSA-AES256-SHA384", 0xC028, .http2, cbc: true, server: .withoutEncryptThenMac),
        .tls12("AES256-SHA", 0x0035, .http2, cbc: true),
        .tls12("AES256-SHA", 0x0035, .http11, cbc: true, server: .withoutEncryptThenMac),
        .tls13("TLS_AES_128_GCM_SHA256", 0x1301, .http11, resumesSession: true),
        .tls12("ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, .http11, resumesSession: true),
    ]
}
