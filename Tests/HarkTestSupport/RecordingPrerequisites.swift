public import Foundation
import Glibc

/// What a loopback recorder needs of the machine (root for tcpdump, tools on the PATH, Python modules),
/// worded as the reason a test skips when something is missing.
public enum RecordingPrerequisites {
    /// Python modules a recorder imports: `modules` is the import list, `isInstalled` says whether they
    /// import (callers keep the answer in a `static let`, since asking starts python3).
    public struct Python: Sendable {
        public var modules: String
        public var isInstalled: @Sendable () -> Bool

        public init(modules: String, isInstalled: @escaping @Sendable () -> Bool) {
            self.modules = modules
            self.isInstalled = isInstalled
        }
    }

    /// Why this machine cannot record, or nil when it can: not root, any of `tools` not installed (plus
    /// `alsoMissing`, found missing by the caller), or `python`'s modules not importable.
    public static func unavailableReason(tools: [String], alsoMissing: [String] = [], python: Python? = nil) -> String? {
        var reasons: [String] = []
        if geteuid() != 0 { reasons.append("needs root for tcpdump") }
        let missing = tools.filter { ToolProcess.locate($0) == nil } + alsoMissing
        if !missing.isEmpty { reasons.append("missing \(missing.joined(separator: ", ")) (installed by .ci/run)") }
        if missing.isEmpty, let python, !python.isInstalled() {
            reasons.append("python3 cannot import \(python.modules) (installed by .ci/run)")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Whether `python3 -c "import MODULES"` succeeds.
    public static func pythonImports(_ modules: String) -> Bool {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("hark-python-check-\(getpid()).log")
        defer { try? FileManager.default.removeItem(at: log) }
        return (try? ToolProcess.run("python3", ["-c", "import \(modules)"], log: log))?.status == 0
    }
}
