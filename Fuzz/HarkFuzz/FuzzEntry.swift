import CFuzzerDriver
import Glibc
import HarkFuzzTargets
import HarkTLS

/// The target this process fuzzes, named by `HARK_FUZZ_TARGET` (`Scripts/fuzz` sets it).
nonisolated(unsafe) private var selected: FuzzTarget?

/// libFuzzer's callback: one input through the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selected else { return 0 }
    _ = target.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), keyLog: FixedKeyLog.shared)
    return 0
}

/// The executable's entry point (SwiftPM names it after the module): makes the selected target's seeds
/// when `HARK_FUZZ_MAKE_SEEDS` names a directory, else runs libFuzzer on it.
@_cdecl("HarkFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard let name = getenv("HARK_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        complain("set HARK_FUZZ_TARGET to one of: \(names)")
        return 2
    }
    if let directory = getenv("HARK_FUZZ_MAKE_SEEDS") {
        let paths = (1..<Int(argc)).compactMap { argv?[$0].map { String(cString: $0) } }
        return SeedMaker.run(captures: paths, into: String(cString: directory), target: target)
    }
    selected = target
    #if HARK_FUZZ
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { testOneInput($0, $1) }
    #else
    complain("built without libFuzzer; build and run it with Scripts/fuzz")
    return 2
    #endif
}

/// The key log the TLS target decrypts with: `HARK_FUZZ_KEYLOG`, read once (the runner points it at a
/// corpus capture's key log, whose sessions the TLS seeds come from).
enum FixedKeyLog {
    nonisolated(unsafe) static let shared: TLSKeyLog = {
        let keyLog = TLSKeyLog()
        guard let path = getenv("HARK_FUZZ_KEYLOG"), let file = fopen(path, "r") else { return keyLog }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk.prefix(count)
        }
        keyLog.add(bytes, source: String(cString: path))
        return keyLog
    }()
}

/// Writes `hark-fuzz: TEXT` to standard error.
func complain(_ text: String) {
    let line = Array("hark-fuzz: \(text)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
