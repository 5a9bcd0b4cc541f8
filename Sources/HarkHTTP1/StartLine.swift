import HarkCore
/// The pieces of a request line or status line, as byte ranges within the head.
///
/// Found once, as soon as the first line is complete, so that garbage is rejected without waiting for
/// a whole head; strings are built from the ranges only when the head is complete.
enum StartLine: Equatable {
    /// `method SP target SP version` (RFC 9112 §3); `isMalformed` when the target or version was
    /// missing or malformed and the line was read leniently.
    case request(method: Range<Int>, target: Range<Int>, version: Range<Int>, isMalformed: Bool)
    /// `version SP status [SP reason]` (RFC 9112 §4); the reason may be missing.
    case response(version: Range<Int>, status: Int, reason: Range<Int>)

    /// The outcome of looking at the first bytes of a would-be message.
    enum Check: Equatable {
        /// The first line is complete and valid; `lineEnd` is the index after its LF.
        case valid(StartLine, lineEnd: Int)
        /// Consistent so far; the line is not complete yet.
        case needMore
        /// Not a start line.
        case invalid
    }

    /// Longest method token accepted.
    static let maxMethodLength = 32

    /// Checks the first line of `bytes` as a request line (`isRequest`) or a status line.
    ///
    /// Lenient where real traffic is sloppy: bare LF, runs of spaces between parts, lower-case
    /// `http/1.1`, a missing reason phrase.
    /// - Parameters:
    ///   - bytes: the would-be message from its first byte.
    ///   - isRequest: whether to expect a request line rather than a status line.
    ///   - searchFrom: where to look for the line's LF; earlier bytes are known to hold none.
    static func check(_ bytes: UnsafeRawBufferPointer, isRequest: Bool, searchFrom: Int = 0) -> Check {
        guard let lf = HeadScanner.firstIndex(of: ASCII.lf, in: bytes, from: searchFrom) else {
            return isPlausiblePrefix(bytes, isRequest: isRequest) ? .needMore : .invalid
        }
        let contentEnd = lf > 0 && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<contentEnd])
        let parsed = isRequest ? requestLine(line) : statusLine(line)
        return parsed.map { .valid($0, lineEnd: lf + 1) } ?? .invalid
    }

    /// Whether an incomplete first line could still become a start line.
    private static func isPlausiblePrefix(_ bytes: UnsafeRawBufferPointer, isRequest: Bool) -> Bool {
        guard isRequest else {
            return zip(bytes, "HTTP/".utf8).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
        }
        var index = 0
        while index < bytes.count, ASCII.isTokenChar(bytes[index]) { index += 1 }
        guard index <= maxMethodLength else { return false }
        // A method alone on its line is read leniently, so CR may follow it too.
        return index == bytes.count || (index > 0 && (bytes[index] == ASCII.space || bytes[index] == ASCII.cr))
    }

    /// `method SP+ target SP+ HTTP/d.d SP*`, or, leniently, a line that starts with an upper-case
    /// method and lacks a well-formed target or version (`OPTIONS`, `GET /HTTP/1.1`, `GET / HTTP/1.`),
    /// which peers answer and Wireshark still shows as requests.
    private static func requestLine(_ line: UnsafeRawBufferPointer) -> StartLine? {
        var index = 0
        while index < line.count, ASCII.isTokenChar(line[index]) { index += 1 }
        guard index > 0, index <= maxMethodLength else { return nil }
        let method = 0..<index
        guard index == line.count || line[index] == ASCII.space else { return nil }
        // Up to three words separated by runs of blanks (kept in locals: this runs once per request).
        var words = Words()
        while index < line.count, words.count < 3 {
            while index < line.count, ASCII.isBlank(line[index]) { index += 1 }
            let start = index
            while index < line.count, !ASCII.isBlank(line[index]) { index += 1 }
            if index > start { words.append(start..<index) }
        }
        while index < line.count, ASCII.isBlank(line[index]) { index += 1 }
        guard index == line.count else { return nil }
        if words.count == 2, isPrintable(line, words.first),
            versionLength(line, at: words.second.lowerBound) == words.second.count
        {
            return .request(method: method, target: words.first, version: words.second, isMalformed: false)
        }
        return lenientRequestLine(line, method: method, words: words)
    }

    /// At most three word ranges of a line, without allocating.
    private struct Words {
        var count = 0
        var first = 0..<0
        var second = 0..<0
        var third = 0..<0

        mutating func append(_ range: Range<Int>) {
            switch count {
            case 0: first = range
            case 1: second = range
            default: third = range
            }
            count += 1
        }
    }

    /// A request line missing its target or version, accepted only with a conventional method name
    /// (an upper-case letter, then upper-case letters, digits, `-`, `_`) so that text lines are not taken
    /// for requests.
    private static func lenientRequestLine(_ line: UnsafeRawBufferPointer, method: Range<Int>, words: Words)
        -> StartLine?
    {
        let isUpper = { (byte: UInt8) in (0x41...0x5a).contains(byte) }
        let conventional =
            isUpper(line[method.lowerBound])
            && line[method].allSatisfy {
                isUpper($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
        let printable = [words.first, words.second].prefix(words.count).allSatisfy { isPrintable(line, $0) }
        guard conventional, printable else { return nil }
        let none = method.upperBound..<method.upperBound
        switch words.count {
        case 0:
            return .request(method: method, target: none, version: none, isMalformed: true)
        case 1 where versionLength(line, at: words.first.lowerBound) == words.first.count:
            return .request(method: method, target: none, version: words.first, isMalformed: true)
        case 1:
            let after = words.first.upperBound..<words.first.upperBound
            return .request(method: method, target: words.first, version: after, isMalformed: true)
        case 2:
            return .request(method: method, target: words.first, version: words.second, isMalformed: true)
        default:
            return nil
        }
    }

    /// Whether the bytes are visible ASCII or non-ASCII (no controls, no DEL).
    private static func isPrintable(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        line[range].allSatisfy { $0 > ASCII.space && $0 != 0x7f }
    }

    /// `HTTP/d.d SP+ ddd [SP reason]`.
    private static func statusLine(_ line: UnsafeRawBufferPointer) -> StartLine? {
        guard let versionEnd = versionLength(line, at: 0) else { return nil }
        var index = versionEnd
        guard index < line.count, ASCII.isBlank(line[index]) else { return nil }
        while index < line.count, ASCII.isBlank(line[index]) { index += 1 }
        guard index + 3 <= line.count,
            ASCII.isDigit(line[index]), ASCII.isDigit(line[index + 1]), ASCII.isDigit(line[index + 2])
        else { return nil }
        let status = Int(line[index] &- 0x30) * 100 + Int(line[index + 1] &- 0x30) * 10 + Int(line[index + 2] &- 0x30)
        index += 3
        guard index == line.count || ASCII.isBlank(line[index]) else { return nil }
        while index < line.count, ASCII.isBlank(line[index]) { index += 1 }
        var reasonEnd = line.count
        while reasonEnd > index, ASCII.isBlank(line[reasonEnd - 1]) { reasonEnd -= 1 }
        return .response(version: 0..<versionEnd, status: status, reason: index..<reasonEnd)
    }

    /// The length of `HTTP/d.d` (one or two digits each, any case) at `start`, or nil.
    static func versionLength(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        var index = start
        for expected in "http/".utf8 {
            guard index < bytes.count, ASCII.lower(bytes[index]) == expected else { return nil }
            index += 1
        }
        let majorStart = index
        while index < bytes.count, index - majorStart < 2, ASCII.isDigit(bytes[index]) { index += 1 }
        guard index > majorStart, index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        let minorStart = index
        while index < bytes.count, index - minorStart < 2, ASCII.isDigit(bytes[index]) { index += 1 }
        guard index > minorStart else { return nil }
        return index - start
    }

    /// The numeric version of a literal found by `versionLength`.
    static func versionNumber(_ literal: UnsafeRawBufferPointer) -> HTTPVersion? {
        guard let dot = literal.firstIndex(of: UInt8(ascii: ".")), dot > 5 else { return nil }
        var major = 0
        for byte in literal[5..<dot] where ASCII.isDigit(byte) { major = major * 10 + Int(byte &- 0x30) }
        var minor = 0
        for byte in literal[(dot + 1)...] where ASCII.isDigit(byte) { minor = minor * 10 + Int(byte &- 0x30) }
        return HTTPVersion(major: major, minor: minor)
    }
}
