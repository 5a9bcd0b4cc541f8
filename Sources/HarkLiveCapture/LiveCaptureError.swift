/// Why a live capture could not be opened: a message that says why and what to do, fit to be the only
/// line a user sees (`needs root or CAP_NET_RAW: try sudo`).
public struct LiveCaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, for callers that react to it (tests, a retry without promiscuous mode).
    public struct Code: Hashable, Sendable {
        private let name: String

        /// No interface or device of that name.
        public static let noSuchDevice = Code(name: "noSuchDevice")
        /// Opening needs privileges hark does not have.
        public static let permissionDenied = Code(name: "permissionDenied")
        /// The interface exists but is down.
        public static let interfaceDown = Code(name: "interfaceDown")
        /// The capture filter does not compile.
        public static let badFilter = Code(name: "badFilter")
        /// Anything else libpcap reported.
        public static let other = Code(name: "other")
    }

    /// The kind of failure.
    public var code: Code
    /// The line to show.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
