public import HarkCore
import HarkTLS
import NIOCore

/// How long a TLS connection's bytes wait for secrets that may still come: a key log followed while
/// it grows (`hark -- CMD` reads the command's `SSLKEYLOGFILE` as it writes it) often gets a session's
/// secrets after hark saw the handshake packets, so the connection's input is held, not decrypted
/// without keys.
public struct KeyWaitLimits: Hashable, Sendable {
    /// How long after its first byte a connection's input may be held (default 3 s): a client logs
    /// its secrets during the handshake, so one whose secrets are missing by then will not log them.
    public var maximumDelay = TimeSpan.seconds(3)
    /// The most bytes held per connection (default 4 MiB); past it the input goes on without keys.
    public var maximumBytes = 4 << 20

    public init() {}
}

/// One TLS connection's input held until the key log has the session's secrets, the ClientHello
/// turns out not to be there, or a bound in `KeyWaitLimits` is reached; then it is replayed in order.
struct HeldTLSInput {
    enum Item {
        /// Bytes, their capture time and their packet's number.
        case data(Direction, ByteBuffer, Timestamp, Int)
        case gap(Direction, Int, Timestamp)
        case end(Direction, Timestamp)
    }

    private(set) var items: [Item] = []
    private var heldBytes = 0
    private var firstTime: Timestamp?
    /// The client's first bytes, until the ClientHello's random is read from them.
    private var clientStart = ByteBuffer()
    private var clientRandom: TLSRandom?
    /// Whether waiting cannot help: the client's stream does not start with a ClientHello.
    private var isHopeless = false

    /// Holds one item (bytes are copied: they may share capture storage).
    mutating func append(_ item: Item) {
        switch item {
        case .data(let direction, let bytes, let time, let packet):
            var copy = ByteBufferAllocator().buffer(capacity: bytes.readableBytes)
            copy.writeImmutableBuffer(bytes)
            items.append(.data(direction, copy, time, packet))
            heldBytes += bytes.readableBytes
            firstTime = firstTime ?? time
            if direction == .clientToServer, clientRandom == nil, !isHopeless {
                readClientRandom(bytes)
            }
        case .gap(let direction, _, let time), .end(let direction, let time):
            items.append(item)
            firstTime = firstTime ?? time
            if direction == .clientToServer, clientRandom == nil { isHopeless = true }
        }
    }

    /// Whether the input should be replayed now: the secrets are there, waiting cannot help, or a
    /// bound is reached (`now` is the latest time the session knows, packet or clock).
    func isReady(keyLog: TLSKeyLog, limits: KeyWaitLimits, now: Timestamp?) -> Bool {
        if isHopeless || heldBytes > limits.maximumBytes { return true }
        if let clientRandom, keyLog.hasSecretsToDecrypt(clientRandom: clientRandom) { return true }
        if let now, let firstTime, now.since(firstTime) > limits.maximumDelay { return true }
        return false
    }

    private mutating func readClientRandom(_ bytes: ByteBuffer) {
        var bytes = bytes
        let wanted = 43 - clientStart.readableBytes
        if let slice = bytes.readSlice(length: min(wanted, bytes.readableBytes)) {
            clientStart.writeImmutableBuffer(slice)
        }
        guard clientStart.readableBytes >= 43 else {
            // The first byte already tells whether a handshake record starts here.
            if clientStart.getInteger(at: clientStart.readerIndex, as: UInt8.self).map({ $0 != 22 }) == true {
                isHopeless = true
            }
            return
        }
        clientRandom = TLSRandom(clientHelloStreamStart: clientStart)
        isHopeless = clientRandom == nil
        clientStart = ByteBuffer()
    }
}
