import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// `GRPCPeer serve PORT`: serves `hark.inventory.Inventory` on 127.0.0.1:PORT (h2c) until killed; says
/// `listening on …` on standard error once it accepts connections.
/// `GRPCPeer call PORT [LOG]`: makes the scripted calls and writes their log as JSON to LOG (default
/// standard output).
@main
struct GRPCPeer {
    static let versions = (client: "grpc-swift-2 2.4.3 + grpc-swift-nio-transport 2.9.2 (HTTP2ClientTransport.Posix)",
        server: "grpc-swift-2 2.4.3 + grpc-swift-nio-transport 2.9.2 (HTTP2ServerTransport.Posix)")

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let mode = arguments.first, let port = arguments.dropFirst().first.flatMap({ Int($0) }) else {
            throw PeerError("usage: GRPCPeer serve PORT | GRPCPeer call PORT [LOG]")
        }
        switch mode {
        case "serve":
            let server = GRPCServer(
                transport: .http2NIOPosix(
                    address: .ipv4(host: "127.0.0.1", port: port),
                    transportSecurity: .plaintext,
                    config: .defaults { $0.compression = .init(enabledAlgorithms: .gzip) }
                ),
                services: [InventoryService()]
            )
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                if let address = try await server.listeningAddress {
                    FileHandle.standardError.write(Data("listening on \(address)\n".utf8))
                }
            }
        case "call":
            let calls = try await CallScript(port: port).run()
            let json = try CallLog(client: versions.client, server: versions.server, calls: calls).json() + Data("\n".utf8)
            if let path = arguments.dropFirst(2).first {
                try json.write(to: URL(fileURLWithPath: path))
            } else {
                FileHandle.standardOutput.write(json)
            }
        default:
            throw PeerError("unknown mode \(mode): serve or call")
        }
    }
}
