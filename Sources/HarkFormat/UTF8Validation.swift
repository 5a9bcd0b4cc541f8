/// UTF-8 validation for bodies and other captured bytes that must become JSON strings.
public enum UTF8Validation {
    /// Whether `bytes` are well-formed UTF-8 as RFC 3629 §4 defines it: no overlong forms, no surrogates
    /// (U+D800…U+DFFF), nothing above U+10FFFF, no truncated sequence at the end.
    ///
    /// Runs of ASCII are checked eight bytes at a time.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            while index &+ 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index &+= 8
            }
            guard index < count else { return true }
            let lead = bytes[index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            // RFC 3629 §4: the second byte's range depends on the lead byte; later bytes are 80..BF.
            let length: Int
            var secondLow: UInt8 = 0x80
            var secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondHigh = 0x9F
            case 0xF0: length = 4; secondLow = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondHigh = 0x8F
            default: return false
            }
            guard count &- index >= length else { return false }
            let second = bytes[index &+ 1]
            guard second >= secondLow, second <= secondHigh else { return false }
            var next = index &+ 2
            while next < index &+ length {
                guard bytes[next] & 0xC0 == 0x80 else { return false }
                next &+= 1
            }
            index = next
        }
        return true
    }

    /// Whether `bytes` are well-formed UTF-8.
    public static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
        if let result = bytes.withContiguousStorageIfAvailable({ isValid($0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { isValid($0) }
    }
}
