import Foundation
import HarkTestSupport
import HarkWeb
import Testing

/// The page's filter (filter.js, what a report uses offline) against HarkFilter (what `hark web`'s
/// server and every other view use): the same expressions on the same corpus captures must select the
/// same exchanges and connections, and fail on the same expressions.
@Suite(.serialized) struct FilterParityTests {
    private static let canRun = WebTestSupport.browserIsAvailable

    /// Every field, operator, unit, glob, regular expression, address form and keyword, and malformed
    /// expressions.
    static let expressions = [
        "status=200", "status!=200", "status>=400", "status<300", "status=2xx", "status!=3xx", "status=4xx or status=5xx",
        "status exists", "status missing", "method=GET", "method=get", "method!=GET", "not method=GET", "!(method=GET)",
        "method~^P", "host=*.org", "host=BRO.ORG", "host~^WWW", "host!~org$", "host=bro.org and status=200",
        "path=/js/*", "path=/", "path~\\.css$", "path=/*.png", "path=/?", "url~\\?", "url=http://*", "url=https://*",
        "latency>100ms", "latency<=50ms", "latency>1.5s", "latency<500us", "latency>=2", "req.size>0", "req.size=0",
        "resp.size>10kB", "resp.size<1KiB", "resp.size>=1MB", "resp.size exists", "resp.size missing",
        "content-type=text/html", "content-type=TEXT/HTML", "content-type~javascript", "content-type='text/html; charset=UTF-8'",
        "content-type=image/*", "content-type missing", "content-type exists", "header.server~apache", "header.SERVER~nginx",
        "resp.header.server exists", "req.header.accept-encoding~gzip", "header.x-nothing missing", "req.header.host=*.org",
        "request.header.user-agent~Mozilla", "response.header.content-length>0", "header.content-type~json",
        "proto=http1", "proto=h2", "proto=http2", "proto=grpc", "proto=ws", "proto=websocket", "proto=tls", "proto=https",
        "proto=fcgi", "proto=fastcgi", "proto=fcgi and status=200", "proto=h3", "proto=http3", "proto=quic",
        "proto=h3 and status=404", "proto!=quic",
        "proto!=http1", "proto=unknown", "proto=none", "ip=192.168.0.0/16", "ip=10.0.0.0/8", "ip=127.0.0.1", "ip=::1",
        "ip=::/0", "ip=0.0.0.0/0", "ip!=127.0.0.1", "port=80", "port!=80", "port>1024", "port<=443", "client=192.168.0.0/16",
        "server=127.0.0.1:80", "server=[::1]:8080", "client=::1", "conn=3", "conn<5 and status=200", "tcp.stream>=2",
        "stream exists", "stream=1", "stream>1", "grpc.status=0", "grpc.status!=0", "grpc.status exists",
        "grpc.method=*/GetItem", "grpc.method=hark.inventory.Inventory/GetItem", "grpc.method~Inventory", "grpc.method exists",
        "msg~hello", "msg exists", "msg missing", "(status=200 or status=304) and not host=bro.org",
        "method=GET && (path=/js/* || path=/css/*)", "host=\"bro.org\"", "path='/a b'", "url~\"\\\\d+\"",
        // malformed: both must refuse
        "status>=4OO", "statu=200", "status=", "host=\"unclosed", "proto=xyz", "status=6xx", "status>4xx", "port=70000",
        "(status=200", "status=200)", "host=a & status=200", "ip=10.0.0.1:80", "method exists", "latency>5parsecs",
        "host~(", "", "and", "status=1000",
    ]

    @Test(
        .enabled(if: canRun, "needs chromium, chromium-driver and python3-selenium"),
        arguments: ["http1-browse-bro-org.pcap", "grpc-swift2-calls.pcap", "websocket-jupyter.pcap",
                    "ipv6-rawip-four-http-streams.pcap", "tls12-http1-heise-keylog.pcap", "h2c-upgrade-range-206.pcap",
                    "http1-mixed-app-traffic.pcap", "http1-browse-wikipedia-304.pcap", "fastcgi-nginx-phpfpm.pcap",
                    "h3-aioquic-requests.pcap", "h2-websocket-hypercorn.pcap"]
    )
    func pageAndServerSelectTheSame(_ name: String) throws {
        let keylog =
            name.hasPrefix("tls12")
            ? [Fixtures.corpus("tls12-http1-heise-keylog.keys").path]
            : name.hasPrefix("h3-") || name.hasPrefix("h2-websocket")
                ? [Fixtures.recorded(name.replacingOccurrences(of: ".pcap", with: ".keys")).path] : []
        let recorded = name.hasPrefix("grpc-swift2") || name.hasPrefix("h3-") || name.hasPrefix("h2-websocket")
        let capture = recorded ? Fixtures.recorded(name) : Fixtures.corpus(name)
        let store = try WebTestSupport.filledStore(capture, keylog: keylog)
        var options = TimelineOptions()
        options.includesDetails = true
        let timeline = StoreTimeline(store: store, source: name, live: false, options: options)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.html")
        try Data(TimelinePage.html(mode: .report(json: timeline.timeline()), nonce: "parity")).write(to: report)
        let list = directory.appendingPathComponent("filters.json")
        try JSONSerialization.data(withJSONObject: Self.expressions).write(to: list)

        let page = try WebTestSupport.browse(report.absoluteString, filters: list)
        let answers = page["filters"] as? [[String: Any]] ?? []
        try #require(answers.count == Self.expressions.count, "the page answered every expression: \(page["console"] ?? "")")
        var selectedSomething = 0
        for (expression, answer) in zip(Self.expressions, answers) {
            let server = try WebTestSupport.object(timeline.filter(expression))
            if let error = server["error"] as? String {
                #expect(answer["error"] != nil, "\(name): \"\(expression)\": HarkFilter refuses it (\(error)), the page does not")
                continue
            }
            #expect(answer["error"] == nil, "\(name): \"\(expression)\": the page refuses it (\(answer["error"] ?? "")), HarkFilter does not")
            let exchanges = server["exchanges"] as? [Int] ?? []
            #expect(answer["exchanges"] as? [Int] == exchanges, "\(name): \"\(expression)\": exchanges")
            #expect(answer["connections"] as? [Int] == server["connections"] as? [Int], "\(name): \"\(expression)\": connections")
            if !exchanges.isEmpty { selectedSomething += 1 }
        }
        #expect(selectedSomething >= 10, "\(name): the expressions select something, so the comparison means something")
    }
}
