public import HarkFormat
public import HarkModel

/// A QUIC connection's own facts in words and in JSON, the same in every view.
public enum QUICText {
    /// `QUIC v1 decrypted, 2 0-RTT packets, closed by the client: NO_ERROR`; the reason for not decrypting is the TLS
    /// part's (`TLSText.summary`).
    public static func summary(_ quic: QUICSummary, decrypted: Bool) -> String {
        var text = quic.version.isEmpty ? "QUIC" : quic.version
        if decrypted { text += " decrypted" }
        if quic.undecryptedPackets > 0, decrypted { text += " (\(quic.undecryptedPackets) of \(quic.packets) packets not)" }
        if quic.earlyDataPackets > 0 { text += ", \(quic.earlyDataPackets) 0-RTT \(quic.earlyDataPackets == 1 ? "packet" : "packets")" }
        if quic.keyUpdates > 0 { text += ", \(quic.keyUpdates) key \(quic.keyUpdates == 1 ? "update" : "updates")" }
        if let closed = quic.closed { text += ", \(closed)" }
        return text
    }

    /// Writes the `quic` object: `{"version":"QUIC v1","packets":331,"undecrypted_packets":0,
    /// "key_updates":0,"early_data_packets":0,"connection_ids":16,"closed":"closed by the client: NO_ERROR"}`.
    public static func json(_ quic: QUICSummary, to json: inout JSONWriter) {
        json.beginObject()
        json.key("version")
        if quic.version.isEmpty { json.null() } else { json.string(quic.version) }
        json.member("packets", quic.packets)
        json.member("undecrypted_packets", quic.undecryptedPackets)
        json.member("key_updates", quic.keyUpdates)
        json.member("early_data_packets", quic.earlyDataPackets)
        json.member("connection_ids", quic.connectionIDs)
        json.key("closed")
        if let closed = quic.closed { json.string(closed) } else { json.null() }
        json.endObject()
    }
}
