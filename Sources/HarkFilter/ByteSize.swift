/// Sizes written as the filter language writes them (`512`, `10kB`, `1.5MiB`), for the command-line
/// options that take a size as well as for `req.size` and `resp.size`.
public enum ByteSize {
    /// Size units, in bytes: decimal kB/MB/GB and binary KiB/MiB/GiB; a bare number is bytes.
    static let units: [String: Int64] = [
        "": 1, "b": 1, "k": 1_000, "kb": 1_000, "kib": 1 << 10, "m": 1_000_000, "mb": 1_000_000, "mib": 1 << 20,
        "g": 1_000_000_000, "gb": 1_000_000_000, "gib": 1 << 30,
    ]

    /// The bytes `text` stands for (`10kB` is 10,000, `2KiB` 2,048; unit case ignored); nil when it
    /// is not a size or does not fit in an `Int64`.
    public static func bytes(_ text: String) -> Int64? {
        guard case .value(let bytes) = Quantity.parse(text, units: units) else { return nil }
        return bytes
    }
}
