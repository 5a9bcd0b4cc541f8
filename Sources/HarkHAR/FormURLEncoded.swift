public import NIOCore

/// The WHATWG URL Standard's `application/x-www-form-urlencoded` parser (§5.1), used for both query
/// strings and form bodies: split on `&`, skip empty pieces, split each at its first `=`, turn `+` into
/// a space, percent-decode, and decode the bytes as UTF-8 with U+FFFD for invalid sequences.
///
/// Output is proportional to input, which the layers that hold URLs and bodies already bound.
enum FormURLEncoded {
    /// The name/value pairs in `input`, in order.
    static func parse(_ input: UnsafeBufferPointer<UInt8>) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        var scratch: [UInt8] = []
        var start = 0
        while start <= input.count {
            var end = start
            while end < input.count, input[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                let piece = UnsafeBufferPointer(rebasing: input[start..<end])
                let equals = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.count
                let name = decode(UnsafeBufferPointer(rebasing: piece[0..<equals]), scratch: &scratch)
                let value =
                    equals < piece.count
                    ? decode(UnsafeBufferPointer(rebasing: piece[(equals + 1)...]), scratch: &scratch) : ""
                pairs.append((name, value))
            }
            start = end + 1
        }
        return pairs
    }

    /// Percent-decodes `input` with `+` as space; a `%` not followed by two hex digits stays as is.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> String {
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                scratch.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                scratch.append(high << 4 | low)
                index += 2
            } else {
                scratch.append(byte)
            }
            index += 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension HARQueryParam {
    /// The query parameters of `url`: the text after the first `?` and before any `#`, parsed as
    /// `application/x-www-form-urlencoded` (so `+` is a space), as browsers' `URLSearchParams` do.
    public static func parse(url: String) -> [HARQueryParam] {
        var url = url
        return url.withUTF8 { bytes in
            guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return [] }
            let afterQuestion = question + 1
            let end = bytes[afterQuestion...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
            return FormURLEncoded.parse(UnsafeBufferPointer(rebasing: bytes[afterQuestion..<end]))
                .map { HARQueryParam(name: $0.name, value: $0.value) }
        }
    }
}

extension HARParam {
    /// The parameters of an `application/x-www-form-urlencoded` body.
    public static func parseForm(_ body: ByteBuffer) -> [HARParam] {
        body.withUnsafeReadableBytes { raw in
            FormURLEncoded.parse(raw.assumingMemoryBound(to: UInt8.self))
                .map { HARParam(name: $0.name, value: $0.value) }
        }
    }

    /// Whether `mimeType` is `application/x-www-form-urlencoded`, ignoring case and parameters.
    public static func isFormURLEncoded(mimeType: String) -> Bool {
        let essence = mimeType.prefix { $0 != ";" }.trimmingHTTPWhitespace()
        return essence.equalsIgnoringASCIICase("application/x-www-form-urlencoded")
    }
}
