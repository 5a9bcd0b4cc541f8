import HarkCapture
import HarkCore
import HarkTLS
import NIOCore

extension TLSKeyLog {
    /// Reads NSS key log files, reporting unreadable files and malformed lines.
    func load(_ paths: [String], report: (Diagnostic) -> Void) {
        for path in paths {
            do {
                try KeyLogFile.read(path) { text, firstLine in
                    for diagnostic in add(text.dropLast(text.last == UInt8(ascii: "\n") ? 1 : 0), source: path, firstLine: firstLine) {
                        report(diagnostic)
                    }
                }
            } catch {
                report(Diagnostic(.error, "cannot read key log: \(error)", file: path))
            }
        }
    }

    /// Takes secrets the capture `captureName` carries: a TLS key log adds to this one; other kinds
    /// are reported as not used.
    func add(_ secrets: DecryptionSecrets, captureName: String, report: (Diagnostic) -> Void) {
        let source = "\(captureName) (Decryption Secrets Block at byte \(secrets.fileOffset))"
        guard secrets.type == .tlsKeyLog else {
            report(Diagnostic(.warning, "\(secrets.type) secrets are not used", file: source))
            return
        }
        for diagnostic in add(secrets.data.readableBytesView, source: source) { report(diagnostic) }
    }
}
