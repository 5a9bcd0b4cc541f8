public import HarkCore
import NIOCore

extension BodyStorage {
    /// The whole body as UTF-8 text (invalid bytes replaced), or `<unreadable: …>` when its file cannot
    /// be read back, which no expected text equals.
    public var text: String {
        do {
            return String(buffer: try readAll())
        } catch {
            return "<unreadable: \(error)>"
        }
    }

    /// The whole body's bytes, empty when its file cannot be read back.
    public var byteArray: [UInt8] {
        (try? readAll()).map { Array($0.readableBytesView) } ?? []
    }
}
