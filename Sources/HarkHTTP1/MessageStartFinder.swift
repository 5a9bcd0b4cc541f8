import HarkCore
/// Looks for the next plausible message start in bytes that are not a message, to resynchronise after
/// garbage, gaps or a capture that began mid-connection.
///
/// A request start is `METHOD SP target SP HTTP/d.d` followed by the end of the line, found by its
/// version and walked back to the method (upper-case letters, `-`, `_`). A response start is
/// `HTTP/d.d SP ddd`. Both work on a window: bytes that cannot belong to a start are released.
enum MessageStartFinder {
    /// Bytes kept before a possible request-line anchor, at most.
    static let requestWindow = 8192

    /// The outcome of a search.
    enum Result: Equatable {
        /// A message starts at this index.
        case found(Int)
        /// No start yet. Bytes before `keepFrom` can be dropped; resume at `resumeAt` (≥ `keepFrom`)
        /// when more arrive.
        case notFound(keepFrom: Int, resumeAt: Int)
    }

    /// Whether an anchor matched, could still match with more bytes, or did not match.
    private enum Match {
        case yes(start: Int)
        case needMore
        case no
    }

    /// Searches `bytes` from `start` for a request start (`isRequest`) or a response start.
    ///
    /// - Parameters:
    ///   - bytes: the window being searched.
    ///   - start: where to resume; earlier anchors were already examined.
    ///   - floor: no message may start before this index (the bytes there were already rejected).
    ///   - isRequest: whether to look for a request line rather than a status line.
    static func find(in bytes: UnsafeRawBufferPointer, from start: Int, floor: Int, isRequest: Bool) -> Result {
        var index = start
        while index < bytes.count {
            if ASCII.lower(bytes[index]) == UInt8(ascii: "h") {
                switch isRequest ? matchRequest(bytes, versionAt: index, floor: floor) : matchResponse(bytes, at: index)
                {
                case .yes(let messageStart): return .found(messageStart)
                case .needMore:
                    return .notFound(keepFrom: keepFrom(bytes, isRequest: isRequest, partial: index), resumeAt: index)
                case .no: break
                }
            }
            index += 1
        }
        return .notFound(keepFrom: keepFrom(bytes, isRequest: isRequest, partial: nil), resumeAt: bytes.count)
    }

    /// The first byte worth keeping: for requests the current line (bounded by the window), for
    /// responses only a partial anchor.
    private static func keepFrom(_ bytes: UnsafeRawBufferPointer, isRequest: Bool, partial: Int?) -> Int {
        guard isRequest else { return partial ?? bytes.count }
        var lineStart = max(0, bytes.count - requestWindow)
        var index = bytes.count
        while index > lineStart {
            if bytes[index - 1] == ASCII.lf {
                lineStart = index
                break
            }
            index -= 1
        }
        return min(lineStart, partial ?? bytes.count)
    }

    /// `HTTP/d.d SP+ ddd` then a blank or the end of the line.
    private static func matchResponse(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Match {
        guard let versionLength = StartLine.versionLength(bytes, at: start) else {
            return isPrefixOfVersion(bytes, at: start) ? .needMore : .no
        }
        var index = start + versionLength
        guard index < bytes.count else { return .needMore }
        guard ASCII.isBlank(bytes[index]) else { return .no }
        index += 1
        for _ in 0..<3 {
            guard index < bytes.count else { return .needMore }
            guard ASCII.isDigit(bytes[index]) else { return .no }
            index += 1
        }
        guard index < bytes.count else { return .needMore }
        let next = bytes[index]
        return ASCII.isBlank(next) || next == ASCII.cr || next == ASCII.lf ? .yes(start: start) : .no
    }

    /// `METHOD SP+ target SP+` before the version at `start`, and the end of the line after it.
    private static func matchRequest(_ bytes: UnsafeRawBufferPointer, versionAt start: Int, floor: Int) -> Match {
        guard start > 0, bytes[start - 1] == ASCII.space else { return .no }
        guard let versionLength = StartLine.versionLength(bytes, at: start) else {
            return isPrefixOfVersion(bytes, at: start) ? .needMore : .no
        }
        var index = start + versionLength
        while index < bytes.count, ASCII.isBlank(bytes[index]) { index += 1 }
        guard index < bytes.count else { return .needMore }
        guard bytes[index] == ASCII.cr || bytes[index] == ASCII.lf else { return .no }
        // Walk back: spaces, the target, spaces, the method.
        var back = start - 1
        while back > 0, bytes[back - 1] == ASCII.space { back -= 1 }
        let targetEnd = back
        while back > 0, bytes[back - 1] > ASCII.space, bytes[back - 1] != 0x7f { back -= 1 }
        guard back < targetEnd, back > 0, bytes[back - 1] == ASCII.space else { return .no }
        while back > 0, bytes[back - 1] == ASCII.space { back -= 1 }
        let methodEnd = back
        while back > floor, methodEnd - back < StartLine.maxMethodLength, isMethodByte(bytes[back - 1]) { back -= 1 }
        // A method cut short by the floor or the length cap is not a method.
        guard back < methodEnd, back == 0 || !isMethodByte(bytes[back - 1]) else { return .no }
        return .yes(start: back)
    }

    /// Whether the bytes from `start` to the end could still grow into a version that
    /// `StartLine.versionLength` accepts: `HTTP/`, one or two digits, `.`, one or two digits.
    private static func isPrefixOfVersion(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Bool {
        var index = start
        for expected in "http/".utf8 {
            guard index < bytes.count else { return true }
            guard ASCII.lower(bytes[index]) == expected else { return false }
            index += 1
        }
        var digits = 0
        while index < bytes.count, digits < 2, ASCII.isDigit(bytes[index]) {
            digits += 1
            index += 1
        }
        guard index < bytes.count else { return true }
        guard digits > 0, bytes[index] == UInt8(ascii: ".") else { return false }
        // A complete minor version would have made `versionLength` succeed.
        return index + 1 == bytes.count
    }

    /// Method bytes accepted when resynchronising: upper-case letters, `-` and `_`.
    private static func isMethodByte(_ byte: UInt8) -> Bool {
        (0x41...0x5a).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
