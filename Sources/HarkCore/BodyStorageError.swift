import Glibc

/// Why a `BodyStorage` stopped keeping bytes. The bytes stored before it happened stay readable; later
/// ones are dropped, so the body is truncated there.
public struct BodyStorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// Spilled bodies together already use the `BodyStoragePool`'s disk budget of `limit` bytes.
        case diskBudgetExhausted(limit: Int)
        /// No temporary file could be made in `directory` (`errno` from `mkstemp`).
        case fileNotCreated(directory: String, errno: Int32)
        /// Writing to the temporary file failed (`ENOSPC` when the disk is full).
        case writeFailed(errno: Int32)
        /// Reading the temporary file back failed.
        case readFailed(errno: Int32)
    }

    /// What went wrong.
    public var kind: Kind
    /// Body bytes stored when it happened; they are kept.
    public var storedBytes: Int

    /// An error of `kind`, met after `storedBytes` bytes were stored.
    public init(_ kind: Kind, storedBytes: Int) {
        self.kind = kind
        self.storedBytes = storedBytes
    }

    /// `writing the spilled body failed (No space left on device); first 1048576 bytes kept`.
    public var description: String {
        let what: String
        switch kind {
        case .diskBudgetExhausted(let limit): what = "disk budget for spilled bodies (\(limit) bytes) used up"
        case .fileNotCreated(let directory, let code): what = "no temporary file in \(directory) (\(errorText(code)))"
        case .writeFailed(let code): what = "writing the spilled body failed (\(errorText(code)))"
        case .readFailed(let code): what = "reading the spilled body back failed (\(errorText(code)))"
        }
        return "\(what); first \(storedBytes) bytes kept"
    }
}

/// The system's message for `code`: `No space left on device`.
private func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
