import Glibc

/// Buffered writes to a file descriptor: output is collected in a large buffer and written in few
/// system calls; `flush()` pushes it out (after each line when following a live capture).
final class OutputStream {
    private let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// Whether the descriptor is a terminal (for colours and progress).
    let isTerminal: Bool

    init(fileDescriptor: Int32 = STDOUT_FILENO, capacity: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        self.isTerminal = isatty(fileDescriptor) == 1
        buffer.reserveCapacity(capacity)
    }

    deinit {
        flush()
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    func write(bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    func flush() {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { raw in
                Glibc.write(fileDescriptor, raw.baseAddress.map { $0 + written }, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                break  // EPIPE (reader went away) or a full disk: drop the rest, as `head` users expect.
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
