// swift-tools-version:6.1
import PackageDescription

/// Micro benchmarks for hark's hot paths, kept out of the main package so that it never depends on
/// package-benchmark. Run from this directory: `swift package benchmark` (see BENCHMARKS.md).
let package = Package(
    name: "hark-benchmarks",
    dependencies: [
        .package(name: "hark", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(
            url: "https://github.com/ordo-one/benchmark.git",
            exact: "1.38.1",
            traits: ["MallocInterposer"]
        ),
    ],
    targets: [
        .executableTarget(
            name: "HarkBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HarkCapture", package: "hark"),
                .product(name: "HarkPacket", package: "hark"),
                .product(name: "HarkReassembly", package: "hark"),
                .product(name: "HarkHTTP1", package: "hark"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            path: "Benchmarks/HarkBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
