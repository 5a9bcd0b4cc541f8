/// The storage of a `TLSKeyLog`: sessions found by client random, and their secrets back to back.
///
/// Hand-written rather than a `Dictionary`, because a key log may hold millions of sessions and a
/// dictionary of them costs twice what it holds while it grows (a million TLS 1.2 sessions: 175 MB at
/// the last rehash, for 56 MB of randoms and positions). Here sessions and secrets live in fixed-size
/// chunks that never move, and only a table of 32-bit slots is rebuilt as the log grows (open
/// addressing, linear probing, at most half full, slots placed by the per-process seeded `Hasher` so
/// that a hostile key log cannot make probing slow). A million sessions cost about 110 MB and never
/// more on the way.
struct KeyLogTable {
    /// Where each of a session's secrets is in the secret chunks (`store`); 0 for none.
    struct Positions {
        var master: UInt32 = 0
        var clientEarly: UInt32 = 0
        var clientHandshake: UInt32 = 0
        var serverHandshake: UInt32 = 0
        var clientTraffic0: UInt32 = 0
        var serverTraffic0: UInt32 = 0
    }

    private struct Session {
        var random: TLSRandom
        var positions: Positions
    }

    private static let sessionsPerChunk = 4_096
    private static let secretChunkSize = 1 << 20
    /// Secret positions are 32-bit: chunk number in the top 12 bits, offset in the low 20, plus one.
    private static let maximumSecretChunks = 4_095

    private var sessionChunks: [[Session]] = []
    /// Session number + 1 per slot; 0 for an empty slot. Its size is a power of two.
    private var slots: [UInt32] = []
    private var secretChunks: [[UInt8]] = []

    /// Sessions held.
    private(set) var count = 0

    /// The positions of the session of `random`, if the log has it.
    func positions(of random: TLSRandom) -> Positions? {
        guard case .found(_, let session) = find(random) else { return nil }
        return self[session].positions
    }

    /// Changes the positions of the session of `random`, adding the session when it is new.
    mutating func update(_ random: TLSRandom, _ change: (inout Positions) -> Void) {
        switch find(random) {
        case .found(_, let session):
            change(&self[session].positions)
        case .empty:
            guard count < Int(UInt32.max) - 1 else { return }
            if (count &+ 1) &* 2 > slots.count { grow() }
            guard case .empty(let slot) = find(random) else { return }
            var positions = Positions()
            change(&positions)
            if count % Self.sessionsPerChunk == 0 {
                sessionChunks.append([])
                sessionChunks[sessionChunks.count - 1].reserveCapacity(Self.sessionsPerChunk)
            }
            sessionChunks[sessionChunks.count - 1].append(Session(random: random, positions: positions))
            count += 1
            slots[slot] = UInt32(count)
        }
    }

    /// Keeps `secret` (at most 255 bytes) and returns its position, or nil when the log is full.
    mutating func store(_ secret: [UInt8]) -> UInt32? {
        let needed = 1 &+ secret.count
        guard secret.count <= 255 else { return nil }
        if secretChunks.isEmpty || Self.secretChunkSize &- secretChunks[secretChunks.count - 1].count < needed {
            guard secretChunks.count < Self.maximumSecretChunks else { return nil }
            secretChunks.append([])
            secretChunks[secretChunks.count - 1].reserveCapacity(Self.secretChunkSize)
        }
        let chunk = secretChunks.count - 1
        let offset = secretChunks[chunk].count
        secretChunks[chunk].append(UInt8(secret.count))
        secretChunks[chunk].append(contentsOf: secret)
        return UInt32(chunk << 20 | offset) + 1
    }

    /// The secret stored at `position`; nil for 0.
    func secret(at position: UInt32) -> [UInt8]? {
        guard position > 0 else { return nil }
        let value = Int(position - 1)
        let (chunk, offset) = (value >> 20, value & (Self.secretChunkSize - 1))
        guard chunk < secretChunks.count else { return nil }
        let bytes = secretChunks[chunk]
        guard offset < bytes.count else { return nil }
        let end = offset + 1 + Int(bytes[offset])
        guard end <= bytes.count else { return nil }
        return Array(bytes[(offset + 1)..<end])
    }

    // MARK: - Slots

    private enum Probe {
        case found(slot: Int, session: Int)
        case empty(slot: Int)
    }

    private func find(_ random: TLSRandom) -> Probe {
        guard !slots.isEmpty else { return .empty(slot: -1) }
        let mask = slots.count - 1
        var slot = random.hashValue & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return .empty(slot: slot) }
            let session = Int(entry) - 1
            if self[session].random == random { return .found(slot: slot, session: session) }
            slot = (slot + 1) & mask
        }
    }

    /// Doubles the slots (1,024 at first) and places every session again.
    private mutating func grow() {
        let size = max(1_024, slots.count * 2)
        slots = [UInt32](repeating: 0, count: size)
        let mask = size - 1
        for session in 0..<count {
            var slot = self[session].random.hashValue & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(session + 1)
        }
    }

    private subscript(session: Int) -> Session {
        get { sessionChunks[session / Self.sessionsPerChunk][session % Self.sessionsPerChunk] }
        set { sessionChunks[session / Self.sessionsPerChunk][session % Self.sessionsPerChunk] = newValue }
    }
}
