import ArgumentParser
import HarkFilter

/// A size option's value: `4096`, `10kB`, `2MiB`, written as the filter language writes sizes.
struct ByteCountArgument: ExpressibleByArgument, Equatable {
    /// The size in bytes (never negative).
    var bytes: Int

    init(bytes: Int) {
        self.bytes = bytes
    }

    init?(argument: String) {
        guard let value = ByteSize.bytes(argument), let bytes = Int(exactly: value) else { return nil }
        self.bytes = bytes
    }

    var defaultValueDescription: String { String(bytes) }
}
