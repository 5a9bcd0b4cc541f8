import HarkCore

/// Capture time for housekeeping (idle and linger expiry), robust to single bogus timestamps.
///
/// Real captures contain packets stamped decades off (a corrupt record, an interface with a broken
/// clock). Expiring every connection because one packet claims to be from 2061 would split them all,
/// so a jump of more than `maximumJump` is believed only once a second packet confirms it.
struct SweepClock {
    private var now: Timestamp?
    private var unconfirmedJump: Timestamp?
    private let maximumJump = TimeSpan.seconds(3600)
    private let confirmationTolerance = TimeSpan.seconds(60)

    /// Feeds one packet's time; returns the clock's time, or nil while a jump awaits confirmation.
    mutating func advance(to time: Timestamp) -> Timestamp? {
        guard let current = now else {
            now = time
            return time
        }
        let step = time.since(current)
        if step.nanoseconds.magnitude <= UInt64(maximumJump.nanoseconds) {
            unconfirmedJump = nil
            if time > current { now = time }
            return now
        }
        if let pending = unconfirmedJump, time.since(pending).nanoseconds.magnitude <= UInt64(confirmationTolerance.nanoseconds) {
            unconfirmedJump = nil
            now = time
            return time
        }
        unconfirmedJump = time
        return nil
    }
}
