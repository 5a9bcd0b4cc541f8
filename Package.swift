// swift-tools-version:6.1
import PackageDescription

/// The fuzzing build (`Scripts/fuzz` sets `HARK_FUZZ=1`): hark's own modules, and only they, are compiled
/// with libFuzzer's coverage counters and the address sanitizer. Dependencies (NIO, swift-crypto) stay
/// uninstrumented, so libFuzzer does not scan their counters after every input; their inlinable code
/// that hark's modules inline is instrumented with hark's, and ASan's allocator covers every allocation.
let fuzzing = Context.environment["HARK_FUZZ"] != nil

/// Compiler settings shared by every target: Swift 6 language mode plus the upcoming features that keep
/// imports explicit and existentials visible (and, in the fuzzing build, the instrumentation).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
] + (fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("HARK_FUZZ")] : [])

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "hark",
    products: [
        .executable(name: "hark", targets: ["HarkCLI"]),
        .library(name: "HarkSession", targets: ["HarkSession"]),
        .library(name: "HarkCapture", targets: ["HarkCapture"]),
        .library(name: "HarkPacket", targets: ["HarkPacket"]),
        .library(name: "HarkReassembly", targets: ["HarkReassembly"]),
        .library(name: "HarkHTTP1", targets: ["HarkHTTP1"]),
        // libFuzzer targets for every parser entry point; a plain build makes a stub that says so, the
        // fuzzing build (`Scripts/fuzz`) links libFuzzer.
        .executable(name: "hark-fuzz", targets: ["HarkFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // Shared vocabulary: timestamps, addresses, endpoints, connection keys, diagnostics.
        .target(name: "HarkCore", dependencies: [nioCore], swiftSettings: strictSettings),
        // Streaming pcap / pcapng readers.
        .target(name: "HarkCapture", dependencies: ["HarkCore", "HarkFormat", nioCore], swiftSettings: strictSettings),
        // Link layer → IPv4/IPv6 (with defragmentation) → TCP, as zero-copy views.
        .target(name: "HarkPacket", dependencies: ["HarkCore", nioCore], swiftSettings: strictSettings),
        // TCP connection tracking and per-direction stream reassembly.
        .target(name: "HarkReassembly", dependencies: ["HarkCore", "HarkPacket", "HarkModel", nioCore], swiftSettings: strictSettings),
        // Rendering shared by every output: the JSON writer, JSON/text lines, output sinks, ISO 8601
        // timestamps, durations, byte counts, base64, UTF-8 validation.
        .target(name: "HarkFormat", dependencies: ["HarkCore"], swiftSettings: strictSettings),
        // System libraries for content decoding (module maps only).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", path: "Sources/CBrotli", providers: [.apt(["libbrotli-dev"])]),
        // libdeflate decodes a whole gzip body about twice as fast as zlib's streaming inflate, and checks
        // its CRC-32 with carry-less multiplication; bodies that are not whole in memory stay with zlib.
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", providers: [.apt(["libdeflate-dev"])]),
        // libpcap, for live capture and capture filters (module map only). Not behind a package trait
        // (STYLE.md suggested one): every command reads live sources through it, libpcap-dev is one small
        // Debian package that .ci/run and the README install, and a trait would put `#if` into the source
        // seam every view builds on.
        .systemLibrary(
            name: "CPcap",
            path: "Sources/CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // glibc's mallopt, with which the executable keeps freed buffers in the heap for reuse.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Streaming Content-Encoding decoders (gzip, deflate, br, stacks) with a decoded-size cap, and the
        // decoder that keeps a body's decoded bytes in a HarkCore.BodyStorage as they arrive.
        .target(
            name: "HarkContentCoding",
            dependencies: ["HarkCore", "CZlib", "CBrotli", "CDeflate", nioCore],
            swiftSettings: strictSettings
        ),
        // Lenient incremental HTTP/1.x analyzer: one TCP connection in, exchanges and tunnels out.
        .target(
            name: "HarkHTTP1",
            dependencies: ["HarkCore", "HarkContentCoding", nioCore],
            swiftSettings: strictSettings
        ),
        // Lenient incremental HTTP/2 analyzer (frames, HPACK, streams, gRPC): one connection in, exchanges out.
        .target(
            name: "HarkHTTP2",
            dependencies: ["HarkCore", "HarkContentCoding", nioCore, .product(name: "NIOHPACK", package: "swift-nio-http2")],
            swiftSettings: strictSettings
        ),
        // WebSocket frames → messages: unmasking, fragments, control frames, permessage-deflate, frame
        // sync by shape when the upgrade was not captured.
        .target(
            name: "HarkWebSocket",
            dependencies: ["HarkCore", "HarkFormat", "CZlib", nioCore, .product(name: "NIOWebSocket", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // FastCGI records → exchanges: detection by record shape, requests demultiplexed by id, CGI
        // variables mapped to HTTP (RFC 3875), STDOUT read as a CGI response.
        .target(name: "HarkFastCGI", dependencies: ["HarkCore", "HarkContentCoding", nioCore], swiftSettings: strictSettings),
        // TLS record and handshake parsing, NSS key logs, TLS 1.2/1.3 key schedules and record decryption.
        .target(
            name: "HarkTLS",
            dependencies: [
                "HarkCore", nioCore, .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // QUIC v1/v2 (RFC 9000, 9001, 9369) over UDP: packet headers, Initial keys from the connection ID,
        // Handshake/1-RTT keys from the TLS key log, header protection, frames, CRYPTO and STREAM reassembly.
        .target(
            name: "HarkQUIC",
            dependencies: [
                "HarkCore", "HarkTLS", nioCore, .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // HTTP/3 (RFC 9114) over QUIC streams, with QPACK (RFC 9204): control and encoder streams, the dynamic
        // table with blocked sections, request streams into exchanges.
        .target(
            name: "HarkHTTP3",
            dependencies: [
                "HarkCore", "HarkQUIC", "HarkContentCoding", nioCore, .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            swiftSettings: strictSettings
        ),
        // Live capture through libpcap (interfaces, any, nflog:GROUP) as a CaptureInput, capture filters
        // for files, and the stop signal that ends a live run like the end of a file.
        .target(
            name: "HarkLiveCapture",
            dependencies: ["HarkCapture", "HarkCore", "HarkPacket", "CPcap", nioCore],
            swiftSettings: strictSettings
        ),
        // Output-neutral values every view reads: exchanges, HTTP messages and bodies, connection context,
        // TCP connections and events, and the session observer protocol.
        .target(name: "HarkModel", dependencies: ["HarkCore", nioCore], swiftSettings: strictSettings),
        // Orchestrates capture → packets → reassembly → protocol analyzers.
        .target(
            name: "HarkSession",
            dependencies: [
                "HarkCore", "HarkCapture", "HarkPacket", "HarkReassembly", "HarkHTTP1", "HarkHTTP2", "HarkContentCoding",
                "HarkModel", "HarkTLS", "HarkWebSocket", "HarkFastCGI", "HarkQUIC", "HarkHTTP3",
                nioCore,
            ],
            swiftSettings: strictSettings
        ),
        // HAR 1.2 document values, a streaming HAR writer, and the parsing helpers every producer needs.
        .target(name: "HarkHAR", dependencies: ["HarkModel", "HarkCore", "HarkFormat", nioCore], swiftSettings: strictSettings),
        // Aggregates for `hark stats`: per host and endpoint (status classes, latency histograms, bytes),
        // TCP problems per connection.
        .target(
            name: "HarkStats",
            dependencies: ["HarkModel", "HarkCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strictSettings
        ),
        // `--otlp`: exchanges as OpenTelemetry spans and RED/TCP metrics, encoded by a small hand-written
        // protobuf writer and sent over OTLP/HTTP (gzip) by an NIO client with a bounded queue.
        .target(
            name: "HarkOTLP",
            dependencies: [
                "HarkModel", "HarkCore", "HarkStats", "CZlib", nioCore, .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Text and JSON-lines renderings for people and jq: the trace observer, body and header
        // rendering, terminal colours, the stats tables.
        .target(
            name: "HarkText",
            dependencies: ["HarkModel", "HarkCore", "HarkFormat", "HarkHAR", "HarkStats", nioCore],
            swiftSettings: strictSettings
        ),
        // The filter language shared by every view: parse once, with column-exact errors; match exchanges
        // and connections without allocating.
        .target(name: "HarkFilter", dependencies: ["HarkModel", "HarkCore", nioCore], swiftSettings: strictSettings),
        // The bounded live store the interactive views (terminal UI, browser timeline) read: exchange rows,
        // details in a journal, connections with their events and packets, diagnostics; thread-safe.
        .target(
            name: "HarkStore",
            dependencies: ["HarkModel", "HarkCore", "HarkFilter", nioCore],
            swiftSettings: strictSettings
        ),
        // The loader of `hark -- CMD`: fork, join the cgroup, wait, exec (C: the child may only make system calls).
        .target(name: "CHarkLoader"),
        // One process and its descendants, or a command hark starts: cgroup v2 + nftables + NFLOG.
        // Nothing else in hark knows about cgroups or nft.
        .target(name: "HarkProcess", dependencies: ["CHarkLoader"], swiftSettings: strictSettings),
        // The browser timeline: the page (hand-written HTML/CSS/JS, compiled in), its JSON, and the
        // loopback server of `hark web` (NIOHTTP1, server-sent events for live updates).
        .target(
            name: "HarkWeb",
            dependencies: [
                "HarkStore", "HarkModel", "HarkCore", "HarkFormat", "HarkHAR", "HarkFilter", nioCore,
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [
                .embedInCode("Page/timeline.html"), .embedInCode("Page/timeline.css"), .embedInCode("Page/filter.js"),
                .embedInCode("Page/model.js"), .embedInCode("Page/timeline.js"),
            ],
            swiftSettings: strictSettings
        ),
        // The terminal UI (`hark tui`): a hand-written terminal layer (raw mode, alternate screen, cell grid
        // diffed into ANSI, keys) and the list, detail and help screens over the live store.
        .target(
            name: "HarkTUI",
            dependencies: ["HarkStore", "HarkModel", "HarkCore", "HarkFilter", "HarkFormat", "HarkHAR", "HarkText", nioCore],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "HarkCLI",
            dependencies: [
                "HarkCore", "HarkCapture", "HarkLiveCapture", "HarkReassembly", "HarkSession", "HarkFormat", "HarkModel",
                "HarkHAR", "HarkStats", "HarkText", "HarkPacket",
                "HarkFilter", "HarkProcess", "HarkStore", "HarkWeb", "HarkTUI", "HarkOTLP", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // libFuzzer's driver, declared for the fuzz executable (header only).
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        // The fuzz targets (`FuzzTarget`): one parser entry point each, fed by `hark-fuzz` and replayed by
        // HarkFuzzTests.
        .target(
            name: "HarkFuzzTargets",
            dependencies: [
                "HarkCore", "HarkCapture", "HarkPacket", "HarkReassembly", "HarkHTTP1", "HarkHTTP2", "HarkTLS",
                "HarkContentCoding", "HarkFilter", "HarkWebSocket", "HarkFastCGI", "HarkSession", "HarkModel", "HarkQUIC",
                "HarkHTTP3", nioCore,
            ],
            path: "Fuzz/HarkFuzzTargets",
            swiftSettings: strictSettings
        ),
        // libFuzzer's driver over `FuzzTarget`, run by `Scripts/fuzz TARGET [SECONDS]`.
        .executableTarget(
            name: "HarkFuzz",
            dependencies: [
                "CFuzzerDriver", "HarkFuzzTargets", "HarkCore", "HarkCapture", "HarkPacket", "HarkReassembly", "HarkTLS", nioCore,
            ],
            path: "Fuzz/HarkFuzz",
            swiftSettings: strictSettings,
            // libFuzzer and the ASan runtime; lld, which links the instrumented build without gold's errors.
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])] : []
        ),
        // Test support: fixture locator, capture writers for hand-built packets, drip-feed helpers.
        .target(
            name: "HarkTestSupport",
            dependencies: ["HarkCore", "HarkPacket", "CZlib", nioCore],
            path: "Tests/HarkTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkLiveCaptureTests",
            dependencies: ["HarkLiveCapture", "HarkCapture", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkProcessTests",
            dependencies: ["HarkProcess", "HarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "HarkCoreTests", dependencies: ["HarkCore", nioCore], swiftSettings: strictSettings),
        .testTarget(name: "HarkFormatTests", dependencies: ["HarkFormat", "HarkCore", "HarkTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "HarkCaptureTests",
            dependencies: ["HarkCapture", "HarkCore", "HarkFormat", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkPacketTests",
            dependencies: ["HarkPacket", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkReassemblyTests",
            dependencies: ["HarkModel", "HarkReassembly", "HarkPacket", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkHARTests",
            dependencies: ["HarkHAR", "HarkCore", "HarkFormat", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkContentCodingTests",
            dependencies: ["HarkContentCoding", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkHTTP1Tests",
            dependencies: ["HarkHTTP1", "HarkContentCoding", "HarkCore", "HarkTestSupport", "CZlib", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkHTTP2Tests",
            dependencies: [
                "HarkModel",
                "HarkHTTP2", "HarkHTTP1", "HarkContentCoding", "HarkCapture", "HarkPacket", "HarkReassembly", "HarkTestSupport",
                "CZlib", nioCore, .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkWebSocketTests",
            dependencies: ["HarkWebSocket", "HarkCore", "HarkTestSupport", "CZlib", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            // Replays the committed fuzz inputs (regressions and corpus) through their targets.
            name: "HarkFuzzTests",
            dependencies: ["HarkFuzzTargets", "HarkWebSocket", "HarkTLS", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkFastCGITests",
            dependencies: ["HarkFastCGI", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkTLSTests",
            dependencies: [
                "HarkModel",
                "HarkTLS", "HarkCapture", "HarkPacket", "HarkReassembly", "HarkTestSupport", nioCore,
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkQUICTests",
            dependencies: ["HarkQUIC", "HarkTLS", "HarkCore", "HarkCapture", "HarkPacket", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkHTTP3Tests",
            dependencies: ["HarkHTTP3", "HarkQUIC", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkFilterTests",
            dependencies: ["HarkFilter", "HarkModel", "HarkCore", "HarkSession", "HarkCapture", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkSessionTests",
            dependencies: ["HarkSession", "HarkWebSocket", "HarkCapture", "HarkModel", "HarkHAR", "HarkFormat", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            // Runs the built `hark` on corpus captures: what a user sees (messages, help, exit status).
            name: "HarkCLITests",
            dependencies: ["HarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkStatsTests",
            dependencies: ["HarkStats", "HarkSession", "HarkCapture", "HarkModel", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkStoreTests",
            dependencies: [
                "HarkStore", "HarkFilter", "HarkSession", "HarkCapture", "HarkModel", "HarkCore", "HarkTestSupport", nioCore,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkTUITests",
            dependencies: [
                "HarkTUI", "HarkStore", "HarkFilter", "HarkSession", "HarkCapture", "HarkModel", "HarkCore", "HarkTestSupport", nioCore,
            ],
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkTextTests",
            dependencies: [
                "HarkText", "HarkStats", "HarkSession", "HarkCapture", "HarkModel", "HarkCore", "HarkFormat",
                "HarkTestSupport", nioCore,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkOTLPTests",
            dependencies: ["HarkOTLP", "HarkSession", "HarkCapture", "HarkModel", "HarkCore", "HarkTestSupport", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HarkWebTests",
            dependencies: [
                "HarkWeb", "HarkStore", "HarkSession", "HarkCapture", "HarkModel", "HarkCore", "HarkTestSupport", nioCore,
            ],
            swiftSettings: strictSettings
        ),
    ]
)
