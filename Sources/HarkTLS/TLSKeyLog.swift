public import HarkCore

/// TLS secrets from NSS key log text (the `SSLKEYLOGFILE` format written by browsers, curl, OpenSSL and
/// Go), found by client random.
///
/// A session's key log may grow while a capture is read: pcapng Decryption Secrets Blocks can arrive
/// mid-file, so analyzers look secrets up when they first need them. The log is a class shared by every
/// connection's analyzer and is confined to the thread that runs the session.
///
/// ### Example
/// ```swift
/// let keyLog = TLSKeyLog()
/// for problem in keyLog.add(fileBytes, source: "keys.log") { print(problem) }
/// var analyzer = TLSAnalyzer(keyLog: keyLog)
/// ```
public final class TLSKeyLog {
    private var sessions: [TLSRandom: TLSSessionSecrets] = [:]

    /// An empty key log.
    public init() {}

    /// Whether no secret has been added.
    public var isEmpty: Bool { sessions.isEmpty }

    /// The number of sessions (client randoms) with at least one secret.
    public var count: Int { sessions.count }

    /// Adds the secrets in key log text: a file's contents or a pcapng DSB payload.
    ///
    /// Blank lines and `#` comments are skipped. The labels `CLIENT_RANDOM`, `CLIENT_EARLY_TRAFFIC_SECRET`,
    /// `CLIENT_HANDSHAKE_TRAFFIC_SECRET`, `SERVER_HANDSHAKE_TRAFFIC_SECRET`, `CLIENT_TRAFFIC_SECRET_0` and
    /// `SERVER_TRAFFIC_SECRET_0` are kept; `EXPORTER_SECRET`, `EARLY_EXPORTER_SECRET`, `ECH_SECRET`,
    /// `ECH_CONFIG` and the legacy `RSA` form are accepted and ignored. A later line for the same label
    /// and client random replaces an earlier one.
    ///
    /// - Parameters:
    ///   - text: the key log bytes (UTF-8/ASCII, LF or CRLF line ends).
    ///   - source: the file name or block description that diagnostics name.
    ///   - firstLine: the line number of the text's first line (more than 1 when a growing file is
    ///     read piece by piece).
    /// - Returns: one warning per malformed line, naming `source` and the 1-based line number; the
    ///   well-formed lines are kept.
    @discardableResult
    public func add(_ text: some Collection<UInt8>, source: String, firstLine: Int = 1) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var lineNumber = firstLine - 1
        for line in Array(text).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if let problem = add(line: line) {
                diagnostics.append(Diagnostic(.warning, "key log line \(lineNumber): \(problem)", file: source))
            }
        }
        return diagnostics
    }

    /// The secrets logged for the session with `clientRandom`, or nil when there are none.
    public func secrets(clientRandom: TLSRandom) -> TLSSessionSecrets? {
        sessions[clientRandom]
    }

    /// Whether the log has every secret decryption of the session with `clientRandom` needs, whichever
    /// version it negotiates: the master secret (TLS 1.0–1.2), or the handshake and first traffic
    /// secrets of both sides (TLS 1.3).
    public func hasSecretsToDecrypt(clientRandom: TLSRandom) -> Bool {
        guard let secrets = sessions[clientRandom] else { return false }
        if secrets.masterSecret != nil { return true }
        return secrets.clientHandshakeTrafficSecret != nil && secrets.serverHandshakeTrafficSecret != nil
            && secrets.clientTrafficSecret0 != nil && secrets.serverTrafficSecret0 != nil
    }

    /// Stores one line's secret; returns what was wrong with a malformed line.
    private func add(line: ArraySlice<UInt8>) -> String? {
        let fields = line.split(whereSeparator: isBlank)
        guard let first = fields.first, first.first != UInt8(ascii: "#") else { return nil }
        let label = String(decoding: first, as: UTF8.self)
        guard let kind = KeyLogLabel(rawValue: label) else {
            return "unknown label \"\(label.prefix(40))\""
        }
        guard fields.count == 3 else {
            return "expected 3 fields (label, client random, secret), found \(fields.count)"
        }
        guard kind != .ignored else { return nil }
        guard let randomBytes = decodeHex(fields[1]), let random = TLSRandom(bytes: randomBytes) else {
            return "client random is not 64 hex digits"
        }
        guard let secret = decodeHex(fields[2]) else {
            return "\(label) secret is not hexadecimal"
        }
        if kind == .clientRandom {
            // RFC 5246 §8.1: the master secret is always 48 bytes.
            guard secret.count == 48 else { return "CLIENT_RANDOM master secret has \(secret.count) bytes, not 48" }
        } else {
            // TLS 1.3 secrets are as long as the suite's hash: SHA-256 or SHA-384.
            guard secret.count == 32 || secret.count == 48 else {
                return "\(label) secret has \(secret.count) bytes, not 32 or 48"
            }
        }
        var entry = sessions[random] ?? TLSSessionSecrets()
        switch kind {
        case .clientRandom: entry.masterSecret = secret
        case .clientEarlyTrafficSecret: entry.clientEarlyTrafficSecret = secret
        case .clientHandshakeTrafficSecret: entry.clientHandshakeTrafficSecret = secret
        case .serverHandshakeTrafficSecret: entry.serverHandshakeTrafficSecret = secret
        case .clientTrafficSecret0: entry.clientTrafficSecret0 = secret
        case .serverTrafficSecret0: entry.serverTrafficSecret0 = secret
        case .ignored: return nil
        }
        sessions[random] = entry
        return nil
    }
}

@available(*, unavailable)
extension TLSKeyLog: Sendable {}

/// Spaces and tabs separate fields; CR (CRLF files) and NUL (block padding) count as blanks too.
private func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == 0
}

/// The labels of NSS key log lines.
private enum KeyLogLabel: Hashable {
    case clientRandom
    case clientEarlyTrafficSecret
    case clientHandshakeTrafficSecret
    case serverHandshakeTrafficSecret
    case clientTrafficSecret0
    case serverTrafficSecret0
    /// Valid labels whose secrets decryption does not use.
    case ignored

    init?(rawValue: String) {
        switch rawValue {
        case "CLIENT_RANDOM": self = .clientRandom
        case "CLIENT_EARLY_TRAFFIC_SECRET": self = .clientEarlyTrafficSecret
        case "CLIENT_HANDSHAKE_TRAFFIC_SECRET": self = .clientHandshakeTrafficSecret
        case "SERVER_HANDSHAKE_TRAFFIC_SECRET": self = .serverHandshakeTrafficSecret
        case "CLIENT_TRAFFIC_SECRET_0": self = .clientTrafficSecret0
        case "SERVER_TRAFFIC_SECRET_0": self = .serverTrafficSecret0
        case "EXPORTER_SECRET", "EARLY_EXPORTER_SECRET", "ECH_SECRET", "ECH_CONFIG", "RSA": self = .ignored
        default: return nil
        }
    }
}
