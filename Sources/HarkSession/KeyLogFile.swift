import Glibc

/// Reads an NSS key log file: text of a few hundred bytes per TLS session, handed over in pieces of
/// whole lines so that a key log of millions of sessions is never held as text at once.
enum KeyLogFile {
    /// The most bytes read (256 MiB, about two million sessions); a larger file is refused.
    static let maximumBytes = 256 << 20

    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the file, handing `lines` pieces of whole lines (the last may lack its line end) with the
    /// number of each piece's first line.
    static func read(_ path: String, lines: ([UInt8], _ firstLine: Int) -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var pending: [UInt8] = []
        var total = 0
        var nextLine = 1
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: String(cString: strerror(errno)))
            }
            if count == 0 {
                if !pending.isEmpty { lines(pending, nextLine) }
                return
            }
            total += count
            guard total <= maximumBytes else {
                throw ReadError(description: "larger than \(maximumBytes >> 20) MiB; is it a key log?")
            }
            pending.append(contentsOf: chunk.prefix(count))
            guard let lastEnd = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            let whole = Array(pending[...lastEnd])
            pending.removeFirst(lastEnd + 1)
            lines(whole, nextLine)
            nextLine += whole.count { $0 == UInt8(ascii: "\n") }
        }
    }
}
