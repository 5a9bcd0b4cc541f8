import HarkCore

/// The diagnostics one reader has found and not yet handed out, bounded so that a file of pure garbage
/// cannot grow it without end.
struct DiagnosticLog {
    /// The capture's name, put in every diagnostic.
    let file: String
    /// How many diagnostics are kept; later ones are only counted.
    let capacity: Int
    /// The kept diagnostics, oldest first.
    private(set) var entries: [Diagnostic] = []
    /// How many were dropped because `capacity` was reached.
    private(set) var droppedCount = 0

    init(file: String, capacity: Int) {
        self.file = file
        self.capacity = capacity
    }

    /// Records a problem at a packet and file offset.
    mutating func report(_ severity: Diagnostic.Severity, _ message: String, packet: Int?, offset: Int64?) {
        guard entries.count < capacity else {
            droppedCount &+= 1
            return
        }
        entries.append(Diagnostic(severity, message, file: file, packetNumber: packet, byteOffset: offset))
    }

    /// Hands out the kept diagnostics and forgets them.
    mutating func take() -> [Diagnostic] {
        defer { entries.removeAll() }
        return entries
    }
}
