public import Foundation

extension TLSLoopbackRecorder {
    /// What one recording produced: the capture, the key log, nginx's account of every request, and which
    /// case used which connection.
    public struct Recording: Sendable {
        /// The directory holding every file of the recording.
        public var directory: URL
        /// The pcap written by tcpdump on `lo` (both servers' ports, full packets).
        public var capture: URL
        /// curl's key log (`SSLKEYLOGFILE`), in NSS key log format.
        public var keyLog: URL
        /// nginx's access log, one `ServerLogLine` per request served.
        public var serverLog: [ServerLogLine]
        /// Each case's run, in recording order.
        public var cases: [CaseRecording]
        /// The TCP port of each server.
        public var ports: [Server: Int]

        /// The run whose connections include the one from `clientPort`.
        public func caseRecording(clientPort: Int) -> CaseRecording? {
            cases.first { $0.clientPorts.contains(clientPort) }
        }
    }

    /// One case's curl run.
    public struct CaseRecording: Sendable {
        /// The case.
        public var `case`: Case
        /// The TCP port the run's server listened on.
        public var serverPort: Int
        /// nginx's lines for the run's requests, in the order served.
        public var serverLog: [ServerLogLine]
        /// The client ports of the run's connections, in the order they were opened (one each).
        public var clientPorts: [Int]
        /// The key log lines curl wrote during the run.
        public var keyLog: [String]
    }

    /// One request nginx served, as its access log records it.
    public struct ServerLogLine: Sendable, Hashable {
        /// The request method.
        public var method: String
        /// The request target as sent.
        public var uri: String
        /// The response status.
        public var status: Int
        /// The response body's size on the wire (compressed when gzip was applied).
        public var bodyBytesSent: Int
        /// The request's size: request line (or pseudo-headers), header fields and body.
        public var requestLength: Int
        /// The TLS version, as OpenSSL names it (`TLSv1.2`, `TLSv1.3`).
        public var tlsVersion: String
        /// The cipher suite, as OpenSSL names it.
        public var cipher: String
        /// `HTTP/1.1` or `HTTP/2.0`.
        public var httpVersion: String
        /// nginx's serial number of the connection (it also counts the upload proxy's own connections).
        public var connection: Int
        /// The client's TCP port.
        public var clientPort: Int
        /// The server's TCP port.
        public var serverPort: Int
        /// Whether the connection resumed an earlier TLS session.
        public var sessionReused: Bool

        /// The nginx `log_format` whose lines `init(parsing:)` reads.
        static let logFormat = "$request_method $request_uri $status $body_bytes_sent $request_length $ssl_protocol "
            + "$ssl_cipher $server_protocol $connection $remote_port $server_port $ssl_session_reused"

        /// Parses one line written with `logFormat`.
        /// - Throws: `Failure` naming the line when it does not have that shape.
        init(parsing line: Substring) throws(Failure) {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 12,
                let status = Int(fields[2]), let bodyBytesSent = Int(fields[3]), let requestLength = Int(fields[4]),
                let connection = Int(fields[8]), let clientPort = Int(fields[9]), let serverPort = Int(fields[10])
            else { throw Failure(description: "unexpected nginx access log line: \(line)") }
            method = fields[0]
            uri = fields[1]
            self.status = status
            self.bodyBytesSent = bodyBytesSent
            self.requestLength = requestLength
            tlsVersion = fields[5]
            cipher = fields[6]
            httpVersion = fields[7]
            self.connection = connection
            self.clientPort = clientPort
            self.serverPort = serverPort
            sessionReused = fields[11] == "r"
        }
    }

    /// A recording that could not be made, or whose traffic is not what a case asked for.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, with the tool output or log lines that show it.
        public var description: String
    }
}
