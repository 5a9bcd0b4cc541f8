import HarkCore

/// Words for QUIC transport error codes (RFC 9000 §20.1) and CONNECTION_CLOSE frames.
enum QUICErrorText {
    /// The name of a transport error code, or its number.
    static func transportError(_ code: UInt64) -> String {
        let names = [
            "NO_ERROR", "INTERNAL_ERROR", "CONNECTION_REFUSED", "FLOW_CONTROL_ERROR", "STREAM_LIMIT_ERROR",
            "STREAM_STATE_ERROR", "FINAL_SIZE_ERROR", "FRAME_ENCODING_ERROR", "TRANSPORT_PARAMETER_ERROR",
            "CONNECTION_ID_LIMIT_ERROR", "PROTOCOL_VIOLATION", "INVALID_TOKEN", "APPLICATION_ERROR",
            "CRYPTO_BUFFER_EXCEEDED", "KEY_UPDATE_ERROR", "AEAD_LIMIT_REACHED", "NO_VIABLE_PATH",
        ]
        if code < UInt64(names.count) { return names[Int(code)] }
        if code == 0x11 { return "VERSION_NEGOTIATION_ERROR" }
        // RFC 9000 §20.1: 0x0100–0x01ff carry a TLS alert.
        if (0x100...0x1FF).contains(code) { return "CRYPTO_ERROR (TLS alert \(code & 0xFF))" }
        return "0x\(String(code, radix: 16))"
    }

    /// `closed by the server: NO_ERROR` or `closed by the client: application error H3_NO_ERROR (0x100) "bye"`.
    static func close(by direction: Direction, code: UInt64, frameType: UInt64?, reason: String, isApplication: Bool) -> String {
        var text = "closed by the \(direction == .clientToServer ? "client" : "server"): "
        if isApplication {
            text += "application error \(HTTP3ErrorName.name(code).map { "\($0) " } ?? "")(0x\(String(code, radix: 16)))"
        } else {
            text += transportError(code)
            if let frameType, frameType != 0 { text += " in frame type 0x\(String(frameType, radix: 16))" }
        }
        if !reason.isEmpty { text += " \"\(reason)\"" }
        return text
    }
}

/// HTTP/3 error code names (RFC 9114 §8.1, RFC 9204 §6), for application closes and stream resets.
public enum HTTP3ErrorName {
    /// The name of an HTTP/3 or QPACK error code; nil for another number.
    public static func name(_ code: UInt64) -> String? {
        let names = [
            "H3_NO_ERROR", "H3_GENERAL_PROTOCOL_ERROR", "H3_INTERNAL_ERROR", "H3_STREAM_CREATION_ERROR",
            "H3_CLOSED_CRITICAL_STREAM", "H3_FRAME_UNEXPECTED", "H3_FRAME_ERROR", "H3_EXCESSIVE_LOAD", "H3_ID_ERROR",
            "H3_SETTINGS_ERROR", "H3_MISSING_SETTINGS", "H3_REQUEST_REJECTED", "H3_REQUEST_CANCELLED",
            "H3_REQUEST_INCOMPLETE", "H3_MESSAGE_ERROR", "H3_CONNECT_ERROR", "H3_VERSION_FALLBACK",
        ]
        if code >= 0x100, code &- 0x100 < UInt64(names.count) { return names[Int(code &- 0x100)] }
        switch code {
        case 0x200: return "QPACK_DECOMPRESSION_FAILED"
        case 0x201: return "QPACK_ENCODER_STREAM_ERROR"
        case 0x202: return "QPACK_DECODER_STREAM_ERROR"
        default: return nil
        }
    }
}
