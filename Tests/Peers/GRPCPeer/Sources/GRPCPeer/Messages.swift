// The service's messages; `inventory.proto` beside this file is the same schema in .proto form.

/// `ItemQuery { uint64 id = 1; string prefix = 2; uint32 limit = 3; }`
struct ItemQuery: WireMessage {
    var id: UInt64 = 0
    var prefix = ""
    var limit: UInt32 = 0

    init(id: UInt64 = 0, prefix: String = "", limit: UInt32 = 0) {
        self.id = id
        self.prefix = prefix
        self.limit = limit
    }

    init(fields: [WireField]) {
        for field in fields {
            switch field.number {
            case 1: id = field.unsigned
            case 2: prefix = field.string
            case 3: limit = UInt32(truncatingIfNeeded: field.unsigned)
            default: continue
            }
        }
    }

    func encode(to writer: inout ProtobufWriter) {
        writer.unsigned(1, id)
        writer.string(2, prefix)
        writer.unsigned(3, UInt64(limit))
    }
}

/// `Dimensions { int32 width = 1; int32 height = 2; }`
struct Dimensions: WireMessage {
    var width: Int32
    var height: Int32

    init(width: Int32, height: Int32) {
        self.width = width
        self.height = height
    }

    init(fields: [WireField]) {
        width = fields.last { $0.number == 1 }?.int32 ?? 0
        height = fields.last { $0.number == 2 }?.int32 ?? 0
    }

    func encode(to writer: inout ProtobufWriter) {
        writer.signed(1, width)
        writer.signed(2, height)
    }
}

/// `Item { uint64 id = 1; string name = 2; repeated string tags = 3; Dimensions size = 4;
/// double price = 5; float weight = 6; int32 stock_delta = 7; bytes checksum = 8; }`
struct Item: WireMessage {
    var id: UInt64
    var name: String
    var tags: [String] = []
    var size: Dimensions?
    var price: Double = 0
    var weight: Float = 0
    var stockDelta: Int32 = 0
    var checksum: [UInt8] = []

    init(id: UInt64, name: String, tags: [String] = [], size: Dimensions? = nil, price: Double = 0, weight: Float = 0,
         stockDelta: Int32 = 0, checksum: [UInt8] = []) {
        self.id = id
        self.name = name
        self.tags = tags
        self.size = size
        self.price = price
        self.weight = weight
        self.stockDelta = stockDelta
        self.checksum = checksum
    }

    init(fields: [WireField]) throws {
        id = 0
        name = ""
        for field in fields {
            switch field.number {
            case 1: id = field.unsigned
            case 2: name = field.string
            case 3: tags.append(field.string)
            case 4: size = Dimensions(fields: try WireField.fields(of: field.bytes))
            case 5: price = field.double
            case 6: weight = field.float
            case 7: stockDelta = field.int32
            case 8: checksum = field.bytes
            default: continue
            }
        }
    }

    func encode(to writer: inout ProtobufWriter) {
        writer.unsigned(1, id)
        writer.string(2, name)
        for tag in tags { writer.string(3, tag) }
        writer.message(4, size)
        writer.double(5, price)
        writer.float(6, weight)
        writer.signed(7, stockDelta)
        writer.bytes(8, checksum)
    }
}

/// `Summary { uint32 count = 1; double total_price = 2; repeated string names = 3; }`
struct Summary: WireMessage {
    var count: UInt32 = 0
    var totalPrice: Double = 0
    var names: [String] = []

    init(count: UInt32, totalPrice: Double, names: [String]) {
        self.count = count
        self.totalPrice = totalPrice
        self.names = names
    }

    init(fields: [WireField]) {
        for field in fields {
            switch field.number {
            case 1: count = UInt32(truncatingIfNeeded: field.unsigned)
            case 2: totalPrice = field.double
            case 3: names.append(field.string)
            default: continue
            }
        }
    }

    func encode(to writer: inout ProtobufWriter) {
        writer.unsigned(1, UInt64(count))
        writer.double(2, totalPrice)
        for name in names { writer.string(3, name) }
    }
}

/// `Note { string text = 1; uint32 sequence = 2; }`
struct Note: WireMessage {
    var text: String
    var sequence: UInt32

    init(text: String, sequence: UInt32) {
        self.text = text
        self.sequence = sequence
    }

    init(fields: [WireField]) {
        text = fields.last { $0.number == 1 }?.string ?? ""
        sequence = UInt32(truncatingIfNeeded: fields.last { $0.number == 2 }?.unsigned ?? 0)
    }

    func encode(to writer: inout ProtobufWriter) {
        writer.string(1, text)
        writer.unsigned(2, UInt64(sequence))
    }
}
