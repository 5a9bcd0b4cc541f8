import HarkCore
import HarkQUIC

/// Server push (RFC 9114 §4.6): a PUSH_PROMISE frame on a request stream carries a push ID and the
/// promised request's field section; a push stream (unidirectional, type 0x01) names the push ID and
/// carries the response. Each push becomes an exchange once both its promise and its response are read,
/// as HTTP/2 pushes do.
extension HTTP3Analyzer {
    /// The state of push `pushID`, made on first mention; nil when too many requests and pushes are open.
    mutating func pushState(_ pushID: UInt64, emit: (HTTP3Event) -> Void) -> HTTP3RequestState? {
        if let state = pushes[pushID] { return state }
        guard requests.count &+ pushes.count < limits.maxOpenRequests else {
            reportOnce("more than \(limits.maxOpenRequests) HTTP/3 requests and pushes open at once: further ones are not followed", isError: true, emit: emit)
            return nil
        }
        let state = HTTP3RequestState(id: 0, maxFramePayload: limits.maxFramePayload)
        state.pushID = pushID
        pushes[pushID] = state
        return state
    }

    /// A PUSH_PROMISE frame from the server on request stream `state`: the push ID, then the promised
    /// request's field section (decoded with the server's dynamic table; the stream waits when it needs
    /// inserts not seen yet).
    mutating func receivePushPromise(
        _ item: HTTP3FrameReader.Item, payload: [UInt8], packets: (first: Int, last: Int), on state: HTTP3RequestState, at time: Timestamp,
        emit: (HTTP3Event) -> Void
    ) {
        var reader = QUICReader(payload)
        guard state.pushID == nil, let pushID = reader.readVarint() else {
            reportOnce(state.pushID == nil ? "malformed PUSH_PROMISE frame" : "PUSH_PROMISE on a push stream", isError: true, emit: emit)
            return
        }
        let section = Array(payload[reader.index...])
        guard let fields = decodeSection(section, holding: item, name: "PUSH_PROMISE headers", on: state, direction: .serverToClient, at: time, emit: emit),
            let push = pushState(pushID, emit: emit)
        else { return }
        // The same promise may come on several request streams (RFC 9114 §4.6): the first is kept.
        guard push.promisedOn == nil else { return }
        push.promisedOn = state.id
        push.withSide(.clientToServer) {
            $0.apply(fields, isResponse: false, at: time, packets: packets)
            $0.ended = true
        }
        if requests[push.id] === push { emitIfDone(push.id, emit: emit) }
    }

    /// The push ID at the start of push stream `id` was read: the stream carries that push's response.
    /// Returns whether the stream is followed.
    mutating func openPushStream(_ id: UInt64, pushID: UInt64, emit: (HTTP3Event) -> Void) -> Bool {
        guard let push = pushState(pushID, emit: emit) else { return false }
        guard requests[push.id] !== push else {
            reportOnce("two push streams for push ID \(pushID)", isError: true, emit: emit)
            return false
        }
        push.id = id
        requests[id] = push
        return true
    }

    /// CANCEL_PUSH (RFC 9114 §7.2.3): a push not begun is forgotten; one under way says so.
    mutating func cancelPush(_ pushID: UInt64, from direction: Direction) {
        guard let push = pushes[pushID] else { return }
        if requests[push.id] === push {
            push.issues.append("push cancelled by the \(direction.sender) (CANCEL_PUSH)")
        } else {
            pushes[pushID] = nil
        }
    }

    /// At the end of the connection: promises whose push stream never came, in words.
    mutating func reportUnfulfilledPushes(emit: (HTTP3Event) -> Void) {
        for (pushID, push) in pushes.sorted(by: { $0.key < $1.key }) where requests[push.id] !== push {
            let message = push.request.message
            let target = [message?.method, message?.path].compactMap { $0 }.joined(separator: " ")
            let origin = push.promisedOn.map { " on stream \($0)" } ?? ""
            reportOnce("push ID \(pushID) (\(target)) promised\(origin) but its push stream was not captured", isError: false, emit: emit)
        }
        pushes = [:]
    }
}
