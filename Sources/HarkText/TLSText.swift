public import HarkFormat
public import HarkModel

/// A TLS session in words and in JSON, the same in every view (connections, trace, stats).
public enum TLSText {
    /// `TLS 1.3 TLS_AES_128_GCM_SHA256 sni=www.example.com alpn=h2 handshake 12.1 ms`, then
    /// `not decrypted: reason` when the application data could not be read.
    public static func summary(_ tls: TLSSummary) -> String {
        var words: [String] = []
        words.append(tls.version.isEmpty ? "TLS (no ServerHello)" : tls.version)
        if !tls.cipherSuite.isEmpty { words.append(tls.cipherSuite) }
        if let serverName = tls.serverName { words.append("sni=\(serverName)") }
        if let alpn = tls.alpn {
            words.append("alpn=\(alpn)")
        } else if !tls.offeredALPN.isEmpty {
            words.append("alpn-offered=\(tls.offeredALPN.joined(separator: ","))")
        }
        if tls.resumed { words.append("resumed") }
        if let duration = tls.handshakeDuration { words.append("handshake \(TimestampFormat.duration(duration))") }
        if let reason = tls.notDecryptedReason { words.append("not decrypted: \(reason)") }
        return words.joined(separator: " ")
    }

    /// Writes the `tls` object: `{"version":"TLS 1.3","cipher_suite":…,"server_name":…,"alpn":…,
    /// "offered_alpn":[…],"resumed":false,"handshake_ms":12.1,"decrypted":true,"not_decrypted_reason":null}`;
    /// unknown values are null.
    public static func json(_ tls: TLSSummary, to json: inout JSONWriter) {
        json.beginObject()
        json.key("version")
        if tls.version.isEmpty { json.null() } else { json.string(tls.version) }
        json.key("cipher_suite")
        if tls.cipherSuite.isEmpty { json.null() } else { json.string(tls.cipherSuite) }
        json.key("server_name")
        if let serverName = tls.serverName { json.string(serverName) } else { json.null() }
        json.key("alpn")
        if let alpn = tls.alpn { json.string(alpn) } else { json.null() }
        json.key("offered_alpn")
        json.beginArray()
        for name in tls.offeredALPN { json.string(name) }
        json.endArray()
        json.key("resumed")
        json.bool(tls.resumed)
        json.key("handshake_ms")
        if let duration = tls.handshakeDuration { json.milliseconds(duration) } else { json.null() }
        json.key("decrypted")
        json.bool(tls.isDecrypted)
        json.key("not_decrypted_reason")
        if let reason = tls.notDecryptedReason { json.string(reason) } else { json.null() }
        json.endObject()
    }
}
