import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// The client side: a fixed list of calls on one connection, each logged with what was sent and
/// received and how it ended.
struct CallScript {
    let port: Int

    /// Makes the calls in order and returns their log: six on a first connection that does not offer
    /// compression, then one gzip-compressed call on a second connection that does (so that the
    /// server compresses its response too).
    func run() async throws -> [CallRecord] {
        var calls = try await withGRPCClient(transport: try transport(compression: .none)) { client in
            var calls: [CallRecord] = []
            calls.append(try await getItem(ItemQuery(id: 1), client))
            calls.append(try await getItem(ItemQuery(id: 404), client))
            calls.append(try await listItems(ItemQuery(prefix: "b", limit: 5), client))
            calls.append(try await listItems(ItemQuery(prefix: "b", limit: 2), client))
            calls.append(
                try await recordItems(
                    [
                        Item(id: 10, name: "washer", price: 0.05),
                        Item(id: 11, name: "nut", tags: ["m6"], price: 0.08, stockDelta: -40),
                        Item(id: 12, name: "spring", size: Dimensions(width: 4, height: 25), price: 0.3, checksum: [0x00, 0xff]),
                    ],
                    client
                )
            )
            calls.append(try await chat(["hello", "how many bolts?", "thanks"], client))
            return calls
        }
        calls.append(
            try await withGRPCClient(transport: try transport(compression: .gzip)) { client in
                try await getItem(ItemQuery(id: 5), client, compression: .gzip)
            }
        )
        return calls
    }

    /// A plaintext HTTP/2 transport to the server that accepts `compression` for responses.
    private func transport(compression: CompressionAlgorithmSet) throws -> HTTP2ClientTransport.Posix {
        try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: .defaults { $0.compression = .init(algorithm: .none, enabledAlgorithms: compression) }
        )
    }

    private func getItem(
        _ query: ItemQuery,
        _ client: GRPCClient<HTTP2ClientTransport.Posix>,
        compression: CompressionAlgorithm = .none
    ) async throws -> CallRecord {
        var options = CallOptions.defaults
        options.compression = compression
        let (responses, status) = try await client.unary(
            request: ClientRequest(message: query),
            descriptor: InventoryService.getItem,
            serializer: WireSerializer<ItemQuery>(),
            deserializer: WireDeserializer<Item>(),
            options: options
        ) { response -> ([[LoggedField]], Status) in
            do {
                return ([try response.message.encoded.fields], Status(code: .ok, message: ""))
            } catch let error as RPCError {
                return ([], Status(code: Status.Code(error.code), message: error.message))
            }
        }
        return record(
            InventoryService.getItem, "unary", compression: compression, requests: [query], responses: responses, status: status)
    }

    private func listItems(_ query: ItemQuery, _ client: GRPCClient<HTTP2ClientTransport.Posix>) async throws -> CallRecord {
        let (responses, status) = try await client.serverStreaming(
            request: ClientRequest(message: query),
            descriptor: InventoryService.listItems,
            serializer: WireSerializer<ItemQuery>(),
            deserializer: WireDeserializer<Item>(),
            options: .defaults
        ) { response in
            try await Self.collect(response)
        }
        return record(
            InventoryService.listItems, "serverStreaming", requests: [query], responses: responses, status: status)
    }

    private func recordItems(_ items: [Item], _ client: GRPCClient<HTTP2ClientTransport.Posix>) async throws -> CallRecord {
        let (responses, status) = try await client.clientStreaming(
            request: StreamingClientRequest(of: Item.self) { writer in
                for item in items { try await writer.write(item) }
            },
            descriptor: InventoryService.recordItems,
            serializer: WireSerializer<Item>(),
            deserializer: WireDeserializer<Summary>(),
            options: .defaults
        ) { response -> ([[LoggedField]], Status) in
            do {
                return ([try response.message.encoded.fields], Status(code: .ok, message: ""))
            } catch let error as RPCError {
                return ([], Status(code: Status.Code(error.code), message: error.message))
            }
        }
        return record(
            InventoryService.recordItems, "clientStreaming", requests: items, responses: responses, status: status)
    }

    private func chat(_ texts: [String], _ client: GRPCClient<HTTP2ClientTransport.Posix>) async throws -> CallRecord {
        let notes = texts.enumerated().map { Note(text: $0.element, sequence: UInt32($0.offset + 1)) }
        let (responses, status) = try await client.bidirectionalStreaming(
            request: StreamingClientRequest(of: Note.self) { writer in
                for note in notes { try await writer.write(note) }
            },
            descriptor: InventoryService.chat,
            serializer: WireSerializer<Note>(),
            deserializer: WireDeserializer<Note>(),
            options: .defaults
        ) { response in
            try await Self.collect(response)
        }
        return record(
            InventoryService.chat, "bidirectionalStreaming", requests: notes, responses: responses, status: status)
    }

    /// The messages of a streamed response and the status it ended with.
    private static func collect<Message: WireMessage>(
        _ response: StreamingClientResponse<Message>
    ) async throws -> ([[LoggedField]], Status) {
        var messages: [[LoggedField]] = []
        do {
            for try await message in response.messages { messages.append(message.encoded.fields) }
            return (messages, Status(code: .ok, message: ""))
        } catch let error as RPCError {
            return (messages, Status(code: Status.Code(error.code), message: error.message))
        }
    }

    private func record(
        _ method: MethodDescriptor,
        _ pattern: String,
        compression: CompressionAlgorithm = .none,
        requests: [some WireMessage],
        responses: [[LoggedField]],
        status: Status
    ) -> CallRecord {
        CallRecord(
            method: "/" + method.fullyQualifiedMethod,
            pattern: pattern,
            requestCompression: compression == .gzip ? "gzip" : "identity",
            requests: requests.map(\.encoded.fields),
            responses: responses,
            status: status.code.rawValue,
            statusMessage: status.message
        )
    }
}
