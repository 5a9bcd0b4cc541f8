extension TLSLoopbackRecorder {
    /// One request of a curl run, with what nginx answers.
    public struct Request: Sendable, Hashable {
        /// `GET` or `POST`.
        public var method: String
        /// The request target.
        public var path: String
        /// The status nginx answers with.
        public var status: Int
        /// Whether curl asks for gzip (`--compressed`); nginx then compresses the body on the wire.
        public var acceptsGzip: Bool
        /// Whether the request carries `Connection: close` (HTTP/1.1 only), so the next request needs a
        /// new connection.
        public var closesConnection: Bool
        /// The request body, for uploads.
        public var body: [UInt8]?
        /// The response body as nginx has it (before gzip).
        public var responseBody: String

        /// The request sequence of every case but the resumption ones: small text, the big text
        /// gzip-compressed, an upload; all on one connection.
        public static let standardSequence = [small, big, upload]

        /// The resumption cases' sequence: the small text on a connection that then closes, the big text
        /// and the upload on a second connection that resumes the first one's session.
        public static let resumptionSequence = [
            Request(
                method: "GET", path: "/small.txt", status: 200, acceptsGzip: false, closesConnection: true,
                body: nil, responseBody: smallBody
            ),
            big, upload,
        ]

        static let small = Request(
            method: "GET", path: "/small.txt", status: 200, acceptsGzip: false, closesConnection: false,
            body: nil, responseBody: smallBody
        )
        static let big = Request(
            method: "GET", path: "/big.txt", status: 200, acceptsGzip: true, closesConnection: false,
            body: nil, responseBody: bigBody
        )
        static let upload = Request(
            method: "POST", path: "/upload", status: 201, acceptsGzip: false, closesConnection: false,
            body: uploadBody, responseBody: uploadReply
        )
    }

    /// `/small.txt`: shorter than nginx's `gzip_min_length`, so it always travels as is.
    public static let smallBody = "hark TLS loopback: the small body\n"

    /// `/big.txt`: 44,000 bytes of numbered lines with pseudo-random hex, so that even gzip-compressed it
    /// spans more than one TLS record (about half of it survives compression).
    public static let bigBody = numberedLines(prefix: "line", count: 1000, hexDigits: 32, seed: 0x7A11)

    /// The body of `POST /upload`: 3,072 bytes.
    public static let uploadBody = Array(numberedLines(prefix: "upload", count: 96, hexDigits: 18, seed: 0x0B0D).utf8)

    /// nginx's answer to `POST /upload` (it reads the whole body first).
    public static let uploadReply = "stored 3072 bytes\n"

    /// `count` lines of `prefix`, a space, a five-digit number, a space, `hexDigits` pseudo-random hex
    /// digits and a newline.
    private static func numberedLines(prefix: String, count: Int, hexDigits: Int, seed: UInt64) -> String {
        var generator = SplitMix64(seed: seed)
        let digits = Array("0123456789abcdef")
        var text = ""
        for number in 0..<count {
            let decimal = String(number)
            text += prefix + " " + String(repeating: "0", count: max(0, 5 - decimal.count)) + decimal + " "
            for _ in 0..<hexDigits {
                text.append(digits[Int(generator.next() & 0xF)])
            }
            text += "\n"
        }
        return text
    }
}
