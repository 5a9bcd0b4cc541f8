/// A problem found in the input, reported to the user and never fatal to the run.
///
/// Capture data is hostile: truncated files, lying length fields, garbage in streams. Each layer that
/// meets bad input records a `Diagnostic` saying where (file, packet number, byte offset, connection) and
/// what was wrong, then carries on with the rest of the input.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How much the problem matters to the output.
    public enum Severity: String, Hashable, Sendable {
        /// Output is complete but something unusual was seen (a retransmission with different bytes).
        case warning
        /// Part of the input could not be decoded and is missing from the output.
        case error
    }

    /// How much the problem matters.
    public var severity: Severity
    /// The capture file it was found in, or `-` for standard input; nil when not tied to a file.
    public var file: String?
    /// The 1-based packet (record) number in the capture.
    public var packetNumber: Int?
    /// The byte offset in the capture file.
    public var byteOffset: Int64?
    /// The connection it concerns, as numbered by reassembly.
    public var connectionID: Int?
    /// What was wrong, in words a user can act on.
    public var message: String

    public init(
        _ severity: Severity,
        _ message: String,
        file: String? = nil,
        packetNumber: Int? = nil,
        byteOffset: Int64? = nil,
        connectionID: Int? = nil
    ) {
        self.severity = severity
        self.message = message
        self.file = file
        self.packetNumber = packetNumber
        self.byteOffset = byteOffset
        self.connectionID = connectionID
    }

    /// `trace.pcap: packet 17 (offset 1234): connection #3: truncated TCP header`.
    public var description: String {
        var location: [String] = []
        if let file { location.append(file) }
        switch (packetNumber, byteOffset) {
        case let (packet?, offset?): location.append("packet \(packet) (offset \(offset))")
        case let (packet?, nil): location.append("packet \(packet)")
        case let (nil, offset?): location.append("offset \(offset)")
        case (nil, nil): break
        }
        if let connectionID { location.append("connection #\(connectionID)") }
        let prefix = location.isEmpty ? "" : location.joined(separator: ": ") + ": "
        return "\(prefix)\(severity.rawValue): \(message)"
    }
}
