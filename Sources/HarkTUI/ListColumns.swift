/// The list's columns and their widths for a terminal width: fixed columns first, then host, path,
/// content type and the waterfall share what is left (type and waterfall only when there is room).
struct ListColumns: Equatable {
    enum Column: Equatable {
        case time, status, method, host, path, proto, type, size, duration, waterfall
    }

    /// Each column with its start and width.
    var columns: [(column: Column, x: Int, width: Int)] = []

    static func == (lhs: ListColumns, rhs: ListColumns) -> Bool {
        lhs.columns.map(\.x) == rhs.columns.map(\.x) && lhs.columns.map(\.width) == rhs.columns.map(\.width)
    }

    init(width: Int) {
        let room = max(40, width)
        var widths: [(Column, Int)] = [(.time, 13), (.status, 3), (.method, 7), (.proto, 4), (.size, 8), (.duration, 8)]
        let fixed = widths.reduce(0) { $0 + $1.1 }
        var free = room - fixed - 10  // one space between the ten columns
        let waterfall = free >= 70 ? min(40, free / 4) : free >= 40 ? 10 : 0
        free -= waterfall
        let type = free >= 60 ? min(24, free / 5) : 0
        free -= type
        let host = max(8, min(32, free * 2 / 5))
        let path = max(8, free - host)
        widths.insert((.host, host), at: 3)
        widths.insert((.path, path), at: 4)
        if type > 0 { widths.insert((.type, type), at: 6) }
        if waterfall > 0 { widths.append((.waterfall, waterfall)) }
        var x = 0
        for (column, width) in widths {
            columns.append((column, x, width))
            x += width + 1
        }
    }

    static func title(_ column: Column) -> String {
        switch column {
        case .time: "TIME"
        case .status: "ST"
        case .method: "METHOD"
        case .host: "HOST"
        case .path: "PATH"
        case .proto: "PROT"
        case .type: "TYPE"
        case .size: "SIZE"
        case .duration: "DURATION"
        case .waterfall: "WATERFALL"
        }
    }
}
