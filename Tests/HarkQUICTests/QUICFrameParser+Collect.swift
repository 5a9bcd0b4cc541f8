@testable import HarkQUIC

extension QUICFrameParser {
    /// The frames of `payload` collected in an array, and what stopped parsing early (for the tests).
    static func parse(_ payload: ArraySlice<UInt8>) -> (frames: [QUICFrame], error: String?) {
        var frames: [QUICFrame] = []
        let error = forEachFrame(in: payload) { frames.append($0) }
        return (frames, error)
    }

    static func parse(_ bytes: [UInt8]) -> (frames: [QUICFrame], error: String?) { parse(bytes[...]) }
}
