// swift-tools-version:6.1
import PackageDescription

/// The same strict settings as hark's own targets.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A gRPC server and client (grpc-swift-2 over the NIO HTTP/2 transport, h2c) that `Scripts/record-grpc`
/// runs on loopback to record `Tests/Fixtures/recorded/grpc-swift2-calls.pcap`. Kept out of hark's own
/// package so that its build (gRPC, NIOSSL, swift-certificates) is paid only when recording.
let package = Package(
    name: "GRPCPeer",
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
    ],
    targets: [
        .executableTarget(
            name: "GRPCPeer",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ],
            exclude: ["inventory.proto"],
            swiftSettings: strictSettings
        )
    ]
)
