import Glibc

/// A `HARWriter` misuse or an output failure.
public struct HARWriterError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case notStarted
        case alreadyStarted
        case finished
        case writeFailed(errno: Int32)
    }

    private let base: Base

    /// An entry or `finish()` came before `begin(_:)`.
    public static let notStarted = HARWriterError(base: .notStarted)
    /// `begin(_:)` was called twice.
    public static let alreadyStarted = HARWriterError(base: .alreadyStarted)
    /// Something was written after `finish()`.
    public static let finished = HARWriterError(base: .finished)

    /// The output could not be written; `errno` says why (`ENOSPC`, `EPIPE`, …).
    public static func writeFailed(errno: Int32) -> HARWriterError {
        HARWriterError(base: .writeFailed(errno: errno))
    }

    public var description: String {
        switch base {
        case .notStarted: "HAR writer: begin(_:) must come before entries and finish()"
        case .alreadyStarted: "HAR writer: begin(_:) was already called"
        case .finished: "HAR writer: the document is already finished"
        case .writeFailed(let errno): "cannot write the output: \(String(cString: strerror(errno)))"
        }
    }
}
