import Glibc

/// Reads an NSS key log file whole: key logs are text of a few hundred bytes per TLS session.
enum KeyLogFile {
    /// The most bytes read (256 MiB, about two million sessions); a larger file is refused.
    static let maximumBytes = 256 << 20

    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The file's bytes.
    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= maximumBytes else {
                throw ReadError(description: "larger than \(maximumBytes >> 20) MiB; is it a key log?")
            }
            bytes.append(contentsOf: chunk.prefix(count))
        }
    }
}
