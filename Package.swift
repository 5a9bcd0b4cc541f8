// swift-tools-version:6.1
import PackageDescription

/// Compiler settings shared by every target: Swift 6 language mode plus the upcoming features that keep
/// imports explicit and existentials visible.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "hark",
    products: [
        .executable(name: "hark", targets: ["HarkCLI"]),
        .library(name: "HarkSession", targets: ["HarkSession"]),
        .library(name: "HarkCapture", targets: ["HarkCapture"]),
        .library(name: "HarkPacket", targets: ["HarkPacket"]),
        .library(name: "HarkReassembly", targets: ["HarkReassembly"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Shared vocabulary: timestamps, addresses, endpoints, connection keys, diagnostics.
        .target(name: "HarkCore", dependencies: [nioCore], swiftSettings: strictSettings),
        // Streaming pcap / pcapng readers.
        .target(name: "HarkCapture", dependencies: ["HarkCore", nioCore], swiftSettings: strictSettings),
        // Link layer → IPv4/IPv6 (with defragmentation) → TCP, as zero-copy views.
        .target(name: "HarkPacket", dependencies: ["HarkCore", nioCore], swiftSettings: strictSettings),
        // TCP connection tracking and per-direction stream reassembly.
        .target(name: "HarkReassembly", dependencies: ["HarkCore", "HarkPacket", nioCore], swiftSettings: strictSettings),
        // Text and JSON rendering shared by every output: timestamps, durations, byte counts, JSON text.
        .target(name: "HarkFormat", dependencies: ["HarkCore"], swiftSettings: strictSettings),
        // Orchestrates capture → packets → reassembly → protocol analyzers.
        .target(
            name: "HarkSession",
            dependencies: ["HarkCore", "HarkCapture", "HarkPacket", "HarkReassembly", nioCore],
            swiftSettings: strictSettings
        ),
        // HAR 1.2 document values, a streaming JSON writer, and the parsing helpers every producer needs.
        .target(name: "HarkHAR", dependencies: ["HarkCore", nioCore], swiftSettings: strictSettings),
        .executableTarget(
            name: "HarkCLI",
            dependencies: [
                "HarkCore", "HarkCapture", "HarkReassembly", "HarkSession", "HarkFormat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Test support: fixture locator, capture writers for hand-built packets, drip-feed helpers.
        .target(
            name: "HarkTestSupport",
            dependencies: ["HarkCore", "HarkPacket", nioCore],
            path: "Tests/HarkTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "HarkCoreTests", dependencies: ["HarkCore"], swiftSettings: strictSettings),
        .testTarget(name: "HarkFormatTests", dependencies: ["HarkFormat", "HarkCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "HarkCaptureTests",
            dependencies: ["HarkCapture", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkPacketTests",
            dependencies: ["HarkPacket", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkReassemblyTests",
            dependencies: ["HarkReassembly", "HarkPacket", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkHARTests",
            dependencies: ["HarkHAR", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkSessionTests",
            dependencies: ["HarkSession", "HarkCapture", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
    ]
)
