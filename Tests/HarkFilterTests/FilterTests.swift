import HarkCore
import HarkFilter
import HarkModel
import Testing

/// Matching on a hand-built exchange: GET http://www.Example.com:8080/api/v1/users?page=2 from
/// 10.0.0.7:51000 to 93.184.216.34:80 on connection 3, answered 404 with 1500 bytes of
/// `application/json; charset=utf-8` after 250 ms.
struct FilterTests {
    private let sample = ExchangeSamples.exchange()

    private func matches(_ expression: String, _ exchange: Exchange? = nil) throws -> Bool {
        try Filter(expression).matches(exchange ?? sample)
    }

    @Test(arguments: [
        // host: without the port, case-insensitive, globs.
        ("host=www.example.com", true), ("host=WWW.EXAMPLE.COM", true), ("host=example.com", false),
        ("host=*.example.com", true), ("host=*.EXAMPLE.*", true), ("host=www.example.co?", true), ("host!=www.example.com", false),
        // method: case-sensitive (RFC 9110 §9.1).
        ("method=GET", true), ("method=get", false), ("method!=POST", true), ("method~^G", true),
        // path: no query, case-sensitive.
        ("path=/api/v1/users", true), ("path=/api/*", true), ("path=/API/*", false), ("path=/api", false),
        ("path=/api/v?/users", true), ("path~users$", true), ("path!~^/api", false),
        // url: the whole URL with the query, case-sensitive.
        ("url=http://www.Example.com:8080/api/v1/users?page=2", true), ("url=*?page=2", true), ("url~page=[0-9]", true),
        ("url~EXAMPLE", false),
        // content-type: the media type unless the value has parameters; the full value for ~.
        ("content-type=application/json", true), ("content-type=APPLICATION/JSON", true),
        ("content-type=application/*", true), ("content-type='application/json; charset=utf-8'", true),
        ("content-type='application/json; charset=latin1'", false), ("content-type~charset=utf-8", true),
        ("content-type=text/html", false),
    ])
    func textFields(expression: String, expected: Bool) throws {
        #expect(try matches(expression) == expected, "\(expression)")
    }

    @Test(arguments: [
        ("status=404", true), ("status!=404", false), ("status<404", false), ("status<=404", true), ("status>403", true),
        ("status>=405", false), ("status=4xx", true), ("status=4XX", true), ("status!=4xx", false), ("status=5xx", false),
        ("status!=2xx", true), ("status==404", true),
        ("latency=250", true), ("latency>249ms", true), ("latency>250ms", false), ("latency<0.3s", true),
        ("latency>=250000us", true), ("latency>250001us", false), ("latency<1s", true), ("latency>0.25s", false),
        ("req.size=0", true), ("req.size>0", false), ("resp.size=1500", true), ("resp.size>1kB", true),
        ("resp.size>1.5kB", false), ("resp.size<2KiB", true), ("resp.size>=1.5KB", true), ("resp.size<1MB", true),
        ("conn=3", true), ("conn!=3", false), ("conn>=4", false), ("tcp.stream=3", true),
        ("port=80", true), ("port=51000", true), ("port=443", false), ("port!=80", false), ("port<1024", true),
    ])
    func numericFields(expression: String, expected: Bool) throws {
        #expect(try matches(expression) == expected, "\(expression)")
    }

    @Test(arguments: [
        ("header.authorization exists", true), ("header.Authorization EXISTS", true), ("header.server exists", true),
        ("req.header.server exists", false), ("resp.header.server exists", true), ("resp.header.etag missing", true),
        ("header.etag missing", true), ("req.header.authorization missing", false),
        ("header.server=nginx*", true), ("header.SERVER=NGINX/1.25", true), ("req.header.server=nginx*", false),
        ("header.authorization~^bearer ", true), ("header.x-missing!=foo", true), ("header.x-missing=foo", false),
        ("resp.header.content-type='application/json; charset=utf-8'", true),
        ("content-type exists", true), ("status exists", true), ("resp.size exists", true), ("stream missing", true),
    ])
    func headersAndPresence(expression: String, expected: Bool) throws {
        #expect(try matches(expression) == expected, "\(expression)")
    }

    @Test(arguments: [
        ("ip=10.0.0.7", true), ("ip=93.184.216.34", true), ("ip=10.0.0.0/8", true), ("ip=192.168.0.0/16", false),
        ("ip!=10.0.0.7", false), ("ip=::1", false), ("client=10.0.0.7", true), ("client=10.0.0.7:51000", true),
        ("client=10.0.0.7:80", false), ("server=93.184.216.34:80", true), ("server=93.184.0.0/16", true),
        ("server=10.0.0.7", false), ("client!=10.0.0.0/8", false),
        ("proto=http1", true), ("proto=HTTP/1.1", true), ("proto=h2", false), ("proto!=h2", true), ("proto=ws", false),
        ("proto=tls", false), ("proto=grpc", false),
    ])
    func connectionFieldsOnAnExchange(expression: String, expected: Bool) throws {
        #expect(try matches(expression) == expected, "\(expression)")
    }

    @Test func exchangeWithoutAResponseLacksItsFields() throws {
        let unanswered = ExchangeSamples.exchange(status: nil)
        for expression in ["status=4xx", "status>0", "latency>=0", "resp.size>=0", "content-type=*", "status exists", "resp.header.server exists"] {
            #expect(try !matches(expression, unanswered), "\(expression)")
        }
        for expression in ["status!=200", "status!=4xx", "status missing", "not latency>1s", "content-type missing"] {
            #expect(try matches(expression, unanswered), "\(expression)")
        }
    }

    @Test func precedenceIsNotThenAndThenOr() throws {
        // "true or false and false": true only if and binds tighter than or.
        #expect(try matches("method=GET or method=POST and status=200"))
        #expect(try matches("method=GET || method=POST && status=200"))
        #expect(try !matches("(method=GET or method=POST) and status=200"))
        // "not" applies to the nearest condition only.
        #expect(try !matches("not method=GET and status=404"))
        #expect(try matches("not (method=GET and status=200)"))
        #expect(try matches("!method=POST && !status=5xx"))
        #expect(try matches("not not method=GET"))
        // Keywords are case-insensitive; chains of any length.
        #expect(try matches("method=POST OR method=PUT Or method=GET"))
        #expect(try matches("method=GET AND status=404 and host=*.com and port=80 and conn=3"))
        #expect(try matches("((((method=GET))))"))
    }

    @Test func quotedValuesAndEscapes() throws {
        let exchange = ExchangeSamples.exchange(requestHeaders: ["User-Agent": #"Mozilla/5.0 "quoted" it's \ok"#])
        #expect(try matches(#"header.user-agent="Mozilla/5.0 \"quoted\" it's \\ok""#, exchange))
        #expect(try matches(#"header.user-agent='Mozilla/5.0 "quoted" it\'s \\ok'"#, exchange))
        #expect(try matches(#"header.user-agent="Mozilla/5.0 *""#, exchange))
        #expect(try matches(#"header.user-agent~"\d\.\d \"quoted\"""#, exchange), "unknown escapes reach the regex intact")
        // A glob character is literal when escaped.
        let star = ExchangeSamples.exchange(target: "/a*b")
        #expect(try matches(#"path=/a\*b"#, star))
        #expect(try !matches(#"path=/a\*b"#, ExchangeSamples.exchange(target: "/axxb")))
        #expect(try matches("path=/a*b", ExchangeSamples.exchange(target: "/axxb")))
    }

    @Test func valuesMayHoldOperatorCharacters() throws {
        #expect(try matches("url=http://www.Example.com:8080/api/v1/users?page=2 and status=404"))
        #expect(try matches("(path~^/api/(v1|v2)/ and status=4xx)"))
        #expect(try matches("path~^/api/(v1|v2)/&&status=404"))
    }

    @Test func protocolsOfExchanges() throws {
        let upgrade = ExchangeSamples.exchange(
            requestHeaders: ["Upgrade": "WebSocket", "Connection": "Upgrade"],
            status: 101,
            responseHeaders: ["Upgrade": "websocket"]
        )
        #expect(try matches("proto=ws", upgrade))
        #expect(try matches("proto=websocket and proto=http1", upgrade))
        let grpc = ExchangeSamples.exchange(
            method: "POST",
            scheme: "https",
            requestHeaders: ["content-type": "application/grpc+proto"],
            applicationProtocol: .http2,
            streamID: 5
        )
        #expect(try matches("proto=grpc and proto=h2 and proto=tls", grpc))
        #expect(try matches("stream=5 and stream exists", grpc))
        #expect(try !matches("proto=http1", grpc))
    }

    @Test(arguments: [
        ("grpc.status=14", true), ("grpc.status!=0", true), ("grpc.status>0", true), ("grpc.status<=13", false),
        ("grpc.status>=14", true), ("grpc.status<14", false), ("grpc.status exists", true), ("grpc.status missing", false),
        ("grpc.method=/helloworld.Greeter/SayHello", true), ("grpc.method=helloworld.Greeter/SayHello", true),
        ("grpc.method=Greeter/SayHello", false), ("grpc.method=*/SayHello", true), ("grpc.method=*.Greeter/*", true),
        ("grpc.method=/helloworld.Greeter/sayhello", false), ("grpc.method!=helloworld.Greeter/SayBye", true),
        ("grpc.method~Greeter/Say", true), ("grpc.method!~^/helloworld\\.", false), ("GRPC.METHOD exists", true),
    ])
    func grpcFields(expression: String, expected: Bool) throws {
        var call = ExchangeSamples.exchange(
            method: "POST", target: "/helloworld.Greeter/SayHello", requestHeaders: ["content-type": "application/grpc"],
            status: 200, applicationProtocol: .http2, streamID: 1
        )
        call.grpc = GRPCSummary(
            service: "helloworld.Greeter", method: "SayHello", status: 14, statusMessage: "unavailable",
            requestMessageCount: 1, responseMessageCount: 0
        )
        #expect(try matches(expression, call) == expected, "\(expression)")
    }

    @Test func exchangesWithoutAGRPCCallLackItsFields() throws {
        for expression in ["grpc.status exists", "grpc.status=0", "grpc.status>=0", "grpc.method exists", "grpc.method=*"] {
            #expect(try !matches(expression), "\(expression)")
        }
        #expect(try matches("grpc.status missing and grpc.method missing and grpc.status!=0"))
        var noTrailers = ExchangeSamples.exchange(applicationProtocol: .http2, streamID: 3)
        noTrailers.grpc = GRPCSummary(service: nil, method: nil, status: nil, statusMessage: nil, requestMessageCount: 0, responseMessageCount: 0)
        #expect(try matches("grpc.status missing and grpc.method missing", noTrailers), "a call whose trailers or path were not captured")
    }

    @Test func hostFallsBackToTheServerAddress() throws {
        let noHost = ExchangeSamples.exchange(authority: nil, requestHeaders: [:])
        #expect(try matches("host=93.184.216.34", noHost))
        let ipv6 = ExchangeSamples.exchange(authority: "[2001:db8::1]:8443")
        #expect(try matches("host=2001:db8::1", ipv6))
    }

    @Test func connectionsUseTheirFieldsOnly() throws {
        let connection = ConnectionContext(id: 7, client: ExchangeSamples.client, server: ExchangeSamples.server)
        let filter = try Filter("proto=h2 and server=93.184.216.34:80 and conn=7 and port=51000", for: .connections)
        #expect(filter.matches(connection, applicationProtocol: .http2))
        #expect(!filter.matches(connection, applicationProtocol: .http1))
        #expect(try Filter("proto=unknown or proto=none", for: .connections).matches(connection, applicationProtocol: .none))
        #expect(try !Filter("proto=grpc", for: .connections).matches(connection, applicationProtocol: .http2))
        // An exchange filter applied to a connection: HTTP fields count as missing.
        #expect(try !Filter("status=200").matches(connection, applicationProtocol: .http1))
        #expect(try Filter("status!=200 and ip=10.0.0.7").matches(connection, applicationProtocol: .http1))
    }

    @Test func theEmptyFilterMatchesEverything() {
        #expect(Filter.all.matches(sample))
        #expect(Filter.all.matches(sample.connection, applicationProtocol: .http1))
    }

    @Test func descriptionIsTheExpression() throws {
        #expect(try Filter("host = a.com").description == "host = a.com")
    }
}
