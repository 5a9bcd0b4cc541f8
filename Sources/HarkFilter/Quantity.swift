/// Reads `digits[.digits][unit]` values (`250`, `1.5s`, `10kB`) as whole multiples of a base unit,
/// without Foundation and without overflowing.
enum Quantity {
    enum Outcome: Hashable {
        case value(Int64)
        /// The number was fine but the unit is not one of those given.
        case unknownUnit(String)
        case malformed
        case tooLarge
    }

    /// The value of `text` in base units; `units` maps lower-case unit names (`""` for a bare number)
    /// to base units each. Fraction digits beyond the ninth are ignored.
    static func parse(_ text: String, units: [String: Int64]) -> Outcome {
        let utf8 = Array(text.utf8)
        var index = 0
        var whole: Int64 = 0
        var overflow = false
        while index < utf8.count, let digit = digit(utf8[index]) {
            let (product, multiplyOverflow) = whole.multipliedReportingOverflow(by: 10)
            let (sum, addOverflow) = product.addingReportingOverflow(digit)
            overflow = overflow || multiplyOverflow || addOverflow
            whole = sum
            index += 1
        }
        guard index > 0 else { return .malformed }
        var fraction: Int64 = 0
        var fractionScale: Int64 = 1
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < utf8.count, let digit = digit(utf8[index]) {
                if fractionScale < 1_000_000_000 {
                    fraction = fraction * 10 + digit
                    fractionScale *= 10
                }
                index += 1
            }
            guard index > fractionStart else { return .malformed }
        }
        let unit = String(decoding: utf8[index...], as: UTF8.self)
        guard unit.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else { return .malformed }
        guard let scale = units[unit.lowercased()] else { return .unknownUnit(unit) }
        let (scaledWhole, wholeOverflow) = whole.multipliedReportingOverflow(by: scale)
        // fraction < fractionScale ≤ 10⁹, and scales are at most 2³⁰, so this product fits.
        let scaledFraction = fraction * scale / fractionScale
        let (total, totalOverflow) = scaledWhole.addingReportingOverflow(scaledFraction)
        guard !overflow, !wholeOverflow, !totalOverflow else { return .tooLarge }
        return .value(total)
    }

    /// `text` with letters that look like digits (O, o, l, I) replaced by those digits, when there are
    /// any: `4OO` → `400`.
    static func correctingLookalikes(_ text: String) -> String? {
        var changed = false
        let fixed = String(
            text.map { character -> Character in
                switch character {
                case "O", "o":
                    changed = true
                    return "0"
                case "l", "I":
                    changed = true
                    return "1"
                default:
                    return character
                }
            }
        )
        return changed ? fixed : nil
    }

    private static func digit(_ byte: UInt8) -> Int64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
    }
}
