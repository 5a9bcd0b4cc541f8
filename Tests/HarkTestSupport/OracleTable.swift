public import Foundation

/// A tshark oracle file (`*.oracle*.tsv`): `#` comment lines (the command and tshark version), a header
/// row of field names, then one tab-separated row per packet or stream.
public struct OracleTable: Sendable {
    /// The field names, in column order.
    public let fields: [String]
    /// Each row as field name → value ("" for an empty field).
    public let rows: [[String: String]]

    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { $0.hasPrefix("#") || $0.isEmpty }
        guard let header = lines.first else {
            fields = []
            rows = []
            return
        }
        let fields = header.components(separatedBy: "\t")
        self.fields = fields
        rows = lines.dropFirst().map { line in
            let values = line.components(separatedBy: "\t")
            var row: [String: String] = [:]
            for (index, field) in fields.enumerated() {
                row[field] = index < values.count ? values[index] : ""
            }
            return row
        }
    }

    /// The oracle beside a capture: `name.pcap` + `suffix` `oracle-tcp` → `name.oracle-tcp.tsv`.
    public static func beside(_ capture: URL, kind: String) -> URL {
        capture.deletingPathExtension().appendingPathExtension(kind).appendingPathExtension("tsv")
    }
}
