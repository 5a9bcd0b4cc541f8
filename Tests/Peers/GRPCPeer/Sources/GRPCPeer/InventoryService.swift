import GRPCCore

/// `hark.inventory.Inventory` (see `inventory.proto`): one method per call pattern, registered by hand
/// with the hand-written serializers.
struct InventoryService: RegistrableRPCService {
    static let descriptor = ServiceDescriptor(package: "hark.inventory", service: "Inventory")
    static let getItem = MethodDescriptor(service: descriptor, method: "GetItem", type: .unary)
    static let listItems = MethodDescriptor(service: descriptor, method: "ListItems", type: .serverStreaming)
    static let recordItems = MethodDescriptor(service: descriptor, method: "RecordItems", type: .clientStreaming)
    static let chat = MethodDescriptor(service: descriptor, method: "Chat", type: .bidirectionalStreaming)

    /// The items the service knows.
    static let catalog: [Item] = [
        Item(
            id: 1, name: "widget", tags: ["blue", "small"], size: Dimensions(width: 30, height: 20), price: 9.99,
            weight: 0.25, stockDelta: -3, checksum: [0xde, 0xad, 0xbe, 0xef]
        ),
        Item(id: 2, name: "bolt", tags: ["steel"], size: Dimensions(width: 6, height: 40), price: 0.15, weight: 0.01, stockDelta: 120),
        Item(id: 3, name: "bracket", tags: ["steel", "l-shaped"], price: 2.5, stockDelta: 7),
        Item(id: 4, name: "bearing", price: 4.75, weight: 0.05),
        // Non-ASCII text: the trace and HAR must keep it as UTF-8.
        Item(id: 5, name: "café table", tags: ["möbel"], size: Dimensions(width: 700, height: 750), price: 120),
    ]

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.getItem, deserializer: WireDeserializer<ItemQuery>(), serializer: WireSerializer<Item>()
        ) { request, _ in
            let query = try await ServerRequest(stream: request).message
            guard let item = Self.catalog.first(where: { $0.id == query.id }) else {
                // Rejected before any message: a trailers-only response.
                return StreamingServerResponse(error: RPCError(code: .notFound, message: "no item \(query.id) (try 1…5)"))
            }
            return StreamingServerResponse(single: ServerResponse(message: item))
        }
        router.registerHandler(
            forMethod: Self.listItems, deserializer: WireDeserializer<ItemQuery>(), serializer: WireSerializer<Item>()
        ) { request, _ in
            let query = try await ServerRequest(stream: request).message
            let matches = Self.catalog.filter { $0.name.hasPrefix(query.prefix) }
            return StreamingServerResponse(of: Item.self) { writer in
                for item in matches.prefix(Int(query.limit)) { try await writer.write(item) }
                if matches.count > Int(query.limit) {
                    // After some messages: HEADERS, DATA, then the status in the trailers.
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "\(matches.count) items match \"\(query.prefix)\", the limit is \(query.limit)"
                    )
                }
                return [:]
            }
        }
        router.registerHandler(
            forMethod: Self.recordItems, deserializer: WireDeserializer<Item>(), serializer: WireSerializer<Summary>()
        ) { request, _ in
            var summary = Summary(count: 0, totalPrice: 0, names: [])
            for try await item in request.messages {
                summary.count += 1
                summary.totalPrice += item.price
                summary.names.append(item.name)
            }
            return StreamingServerResponse(single: ServerResponse(message: summary))
        }
        router.registerHandler(
            forMethod: Self.chat, deserializer: WireDeserializer<Note>(), serializer: WireSerializer<Note>()
        ) { request, _ in
            StreamingServerResponse(of: Note.self) { writer in
                for try await note in request.messages {
                    try await writer.write(Note(text: "re: " + note.text, sequence: note.sequence))
                }
                return [:]
            }
        }
    }
}
