import HarkCore
import HarkModel
import NIOCore

/// An exchange's request as a curl command line a shell runs as it is: every part in single quotes
/// (`'` written as `'\''`), headers in wire order (without those curl makes itself), the body inline
/// when it is text, else a note.
enum CurlCommand {
    /// Bodies up to this size are given inline with `--data-raw`.
    static let maximumInlineBody = 64 << 10

    static func make(_ exchange: Exchange) -> String {
        let request = exchange.request
        var parts = ["curl"]
        if exchange.applicationProtocol == .http2 { parts.append("--http2") }
        if exchange.applicationProtocol == .http3 { parts.append("--http3-only") }
        if request.method != .get { parts += ["-X", quote(request.method.rawValue)] }
        parts.append(quote(request.url(server: exchange.connection.server)))
        let skipped: Set<String> = ["content-length", "connection", "transfer-encoding", "host", "keep-alive", "upgrade", "http2-settings"]
        for field in request.headers.fields where !skipped.contains(field.name.lowercased()) {
            parts += ["-H", quote(field.name + ": " + field.value)]
        }
        let body = request.body.bytes
        if !body.isEmpty {
            if body.count <= maximumInlineBody, let bytes = try? body.readAll(), let text = String(validating: bytes.readableBytesView, as: UTF8.self) {
                parts += ["--data-raw", quote(text)]
            } else {
                parts += ["--data-binary", "@body.bin"]
            }
        }
        return parts.joined(separator: " ")
    }

    /// `text` in single quotes for a POSIX shell.
    static func quote(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
