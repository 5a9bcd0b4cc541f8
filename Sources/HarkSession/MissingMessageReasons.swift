import HarkCore
import HarkModel

/// What a connection showed about its directions, so that a request or response that is missing is
/// blamed on what happened: a direction the capture never saw, bytes that were not HTTP, a gap, or a
/// capture that began after the connection.
struct MissingMessageReasons {
    /// Directions of which not one packet was captured.
    var uncaptured: Set<Direction> = []
    /// Directions that had a gap.
    var gapDirections: Set<Direction> = []
    /// Why a response has no request, for a connection whose start was (`sawHandshake`) or was not
    /// captured; `skippedRequestBytes` are the first of the client's bytes being skipped as not HTTP.
    func missingRequest(sawHandshake: Bool, skippedRequestBytes: String?) -> String {
        if uncaptured.contains(.clientToServer) {
            return "request not captured: the client→server direction is not in the capture"
        }
        if let unparseableRequest = skippedRequestBytes {
            return "request not understood: the client's bytes were not an HTTP request (first bytes \"\(unparseableRequest)\")"
        }
        if gapDirections.contains(.clientToServer) {
            return "request not captured: lost in a gap of the client→server stream"
        }
        if !sawHandshake {
            return "request not captured (the capture starts after it was sent)"
        }
        return "request not captured: none for this response in the captured client→server stream"
    }

    /// Rewords why a response is missing ("the server's side ended first", "lost in a gap") when the
    /// server's side was never captured at all.
    func reword(_ problems: [String]) -> [String] {
        guard uncaptured.contains(.serverToClient) else { return problems }
        return problems.map {
            $0.hasPrefix("no response") ? "no response: the server→client direction is not in the capture" : $0
        }
    }
}
