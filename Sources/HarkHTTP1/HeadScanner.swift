import HarkCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds line and section ends in raw bytes, without building strings.
enum HeadScanner {
    /// The index of the first `byte` at or after `start`, or nil.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Where the search for a section end stands.
    enum SectionEnd {
        /// The section ends just before `end`: index one past the LF of the blank line.
        case found(end: Int)
        /// No end yet; resume the search at `resumeAt` once more bytes arrive.
        case notFound(resumeAt: Int)
    }

    /// Finds the blank line that ends a header or trailer section (RFC 9112 §2.1), accepting bare LF
    /// line endings.
    ///
    /// - Parameters:
    ///   - bytes: the section, from its first byte.
    ///   - start: where to resume; positions before it were already searched.
    ///   - mayBeEmpty: whether the section may be just a blank line (trailers) rather than start with a line.
    static func findSectionEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, mayBeEmpty: Bool) -> SectionEnd {
        if mayBeEmpty, start == 0 {
            switch (bytes.first, bytes.count > 1 ? bytes[1] : nil) {
            case (ASCII.lf?, _): return .found(end: 1)
            case (ASCII.cr?, ASCII.lf?): return .found(end: 2)
            case (ASCII.cr?, nil), (nil, _): return .notFound(resumeAt: 0)
            default: break
            }
        }
        var index = start
        while let lf = firstIndex(of: ASCII.lf, in: bytes, from: index) {
            let next = lf + 1
            guard next < bytes.count else { return .notFound(resumeAt: lf) }
            switch bytes[next] {
            case ASCII.lf:
                return .found(end: next + 1)
            case ASCII.cr:
                guard next + 1 < bytes.count else { return .notFound(resumeAt: lf) }
                if bytes[next + 1] == ASCII.lf { return .found(end: next + 2) }
            default:
                break
            }
            index = next
        }
        return .notFound(resumeAt: bytes.count)
    }

    /// The end of the line starting at `start`, without its CR LF or LF: (content end, index after the LF).
    static func line(in bytes: UnsafeRawBufferPointer, from start: Int) -> (contentEnd: Int, next: Int)? {
        guard let lf = firstIndex(of: ASCII.lf, in: bytes, from: start) else { return nil }
        let contentEnd = lf > start && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
        return (contentEnd, lf + 1)
    }
}
