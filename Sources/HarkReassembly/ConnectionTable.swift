import HarkCore

/// The connections a reassembler tracks, stored by value so that a segment mutates its connection in
/// place, with no class and so no dynamic exclusivity check per access.
///
/// States live in an array; a dictionary maps each 4-tuple to its slot there, and slots freed by
/// `remove` are reused. The slot of the last key looked up is remembered, so a run of packets on one
/// connection hashes its key once.
struct ConnectionTable {
    /// Connection states by slot: mutate a tracked connection in place through `states[slot]` (a
    /// method taking the whole state, or a closure capturing it, would copy it). Only `insert` and
    /// `remove` change which slots are in use; a free slot holds a retired, empty state.
    var states: [TCPConnectionState] = []
    private var slots: [ConnectionKey: Int] = [:]
    private var freeSlots: [Int] = []
    private var lastKey: ConnectionKey?
    private var lastSlot = 0

    /// How many connections are tracked.
    var count: Int { slots.count }

    /// The slot of the connection on `key`, if one is tracked.
    mutating func slot(of key: ConnectionKey) -> Int? {
        if lastKey == key { return lastSlot }
        guard let slot = slots[key] else { return nil }
        lastKey = key
        lastSlot = slot
        return slot
    }

    /// Tracks `state` on `key` (which must not be tracked) and returns its slot.
    mutating func insert(_ state: TCPConnectionState, for key: ConnectionKey) -> Int {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            states[slot] = state
        } else {
            slot = states.count
            states.append(state)
        }
        slots[key] = slot
        lastKey = key
        lastSlot = slot
        return slot
    }

    /// Stops tracking the connection on `key` and returns its state.
    mutating func remove(_ key: ConnectionKey) -> TCPConnectionState? {
        guard let slot = slots.removeValue(forKey: key) else { return nil }
        if lastKey == key { lastKey = nil }
        let state = states[slot]
        states[slot] = TCPConnectionState(info: state.info)  // lets go of the retired state's buffers
        freeSlots.append(slot)
        return state
    }

    /// The keys of the tracked connections with what `measure` says of each, in no particular order.
    func keys<Value>(measuring measure: (TCPConnectionState) -> Value) -> [(key: ConnectionKey, value: Value)] {
        slots.map { (key: $0.key, value: measure(states[$0.value])) }
    }

    /// The keys of the tracked connections that `isOver`, in no particular order.
    func keys(where isOver: (TCPConnectionState) -> Bool) -> [ConnectionKey] {
        slots.compactMap { isOver(states[$0.value]) ? $0.key : nil }
    }
}
