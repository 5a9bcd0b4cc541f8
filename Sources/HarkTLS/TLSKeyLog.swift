public import HarkCore

/// TLS secrets from NSS key log text (the `SSLKEYLOGFILE` format written by browsers, curl, OpenSSL and
/// Go), found by client random.
///
/// A session's key log may grow while a capture is read: pcapng Decryption Secrets Blocks can arrive
/// mid-file, so analyzers look secrets up when they first need them. The log is a class shared by every
/// connection's analyzer on one thread and is confined to that thread: a session that analyses on
/// several threads gives each a `copy()`.
///
/// Compact, since a key log may hold millions of sessions: the secrets are binary, back to back, and each
/// client random maps to six 32-bit positions among them (`KeyLogTable`), about 110 bytes per TLS 1.2
/// session in all (the text line is 176). Lines are parsed in place, without copying the text.
///
/// ### Example
/// ```swift
/// let keyLog = TLSKeyLog()
/// for problem in keyLog.add(fileBytes, source: "keys.log") { print(problem) }
/// var analyzer = TLSAnalyzer(keyLog: keyLog)
/// ```
public final class TLSKeyLog {
    private var table = KeyLogTable()

    /// An empty key log.
    public init() {}

    /// A key log holding the same secrets as this one, to grow apart from it: each thread that
    /// analyses connections reads a copy of its own (the log is not thread-safe).
    public func copy() -> TLSKeyLog {
        let copy = TLSKeyLog()
        copy.table = table
        return copy
    }

    /// Whether no secret has been added.
    public var isEmpty: Bool { table.count == 0 }

    /// The number of sessions (client randoms) with at least one secret.
    public var count: Int { table.count }

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
        if let diagnostics = text.withContiguousStorageIfAvailable({ add(lines: $0, source: source, firstLine: firstLine) }) {
            return diagnostics
        }
        return Array(text).withUnsafeBufferPointer { add(lines: $0, source: source, firstLine: firstLine) }
    }

    /// The secrets logged for the session with `clientRandom`, or nil when there are none.
    public func secrets(clientRandom: TLSRandom) -> TLSSessionSecrets? {
        guard let positions = table.positions(of: clientRandom) else { return nil }
        return TLSSessionSecrets(
            masterSecret: table.secret(at: positions.master),
            clientEarlyTrafficSecret: table.secret(at: positions.clientEarly),
            clientHandshakeTrafficSecret: table.secret(at: positions.clientHandshake),
            serverHandshakeTrafficSecret: table.secret(at: positions.serverHandshake),
            clientTrafficSecret0: table.secret(at: positions.clientTraffic0),
            serverTrafficSecret0: table.secret(at: positions.serverTraffic0)
        )
    }

    /// Whether the log has every secret decryption of the session with `clientRandom` needs, whichever
    /// version it negotiates: the master secret (TLS 1.0–1.2), or the handshake and first traffic
    /// secrets of both sides (TLS 1.3).
    public func hasSecretsToDecrypt(clientRandom: TLSRandom) -> Bool {
        guard let secrets = table.positions(of: clientRandom) else { return false }
        if secrets.master != 0 { return true }
        return secrets.clientHandshake != 0 && secrets.serverHandshake != 0
            && secrets.clientTraffic0 != 0 && secrets.serverTraffic0 != 0
    }

    /// Adds every line of `text`, numbering them from `firstLine`.
    private func add(lines text: UnsafeBufferPointer<UInt8>, source: String, firstLine: Int) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var lineNumber = firstLine
        var start = 0
        while start <= text.count {
            let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) ?? text.count
            if let problem = add(line: text[start..<end]) {
                diagnostics.append(Diagnostic(.warning, "key log line \(lineNumber): \(problem)", file: source))
            }
            lineNumber += 1
            start = end + 1
        }
        return diagnostics
    }


    /// Stores one line's secret; returns what was wrong with a malformed line.
    private func add(line: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
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
        // Positions are 32-bit: past 4 GiB of secrets (some 80 million sessions) the log is full.
        guard let position = table.store(secret) else { return "the key log is full; secret not kept" }
        table.update(random) { entry in
            switch kind {
            case .clientRandom: entry.master = position
            case .clientEarlyTrafficSecret: entry.clientEarly = position
            case .clientHandshakeTrafficSecret: entry.clientHandshake = position
            case .serverHandshakeTrafficSecret: entry.serverHandshake = position
            case .clientTrafficSecret0: entry.clientTraffic0 = position
            case .serverTrafficSecret0: entry.serverTraffic0 = position
            case .ignored: break
            }
        }
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
