/// Bytes that are not an HTTP message, shown in a report: printable ASCII as it is, CR and LF as `\r`
/// and `\n`, anything else as `\xNN`, and `…` when there were more.
enum SkippedBytes {
    /// How many bytes a report shows.
    static let shown = 24

    /// `bytes` quoted for a one-line report (at most `shown` of them), `…` added when there were
    /// `more` than that.
    static func quote<Bytes: Collection<UInt8>>(_ bytes: Bytes, more: Bool) -> String {
        var text = ""
        for byte in bytes.prefix(shown) {
            switch byte {
            case UInt8(ascii: "\r"): text += "\\r"
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            }
        }
        return more || bytes.count > shown ? text + "…" : text
    }
}
