/// Renders byte counts for people: `512 B`, `3.1 kB`, `120.3 MB` (SI units, as curl and browsers show).
public enum ByteCountFormat {
    /// `bytes` with one decimal in the largest unit that keeps the number below 1000 (bytes stay whole).
    public static func short(_ bytes: Int64) -> String {
        let magnitude = Double(bytes)
        if bytes.magnitude < 1000 { return "\(bytes) B" }
        let units = ["kB", "MB", "GB", "TB"]
        var value = magnitude / 1000
        var index = 0
        while abs(value) >= 1000, index < units.count - 1 {
            value /= 1000
            index += 1
        }
        return TimestampFormat.decimal(value, places: 1) + " " + units[index]
    }
}
