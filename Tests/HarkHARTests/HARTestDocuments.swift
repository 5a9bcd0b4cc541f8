import Foundation
import HarkCore
import HarkHAR
import NIOCore

/// Sample entries and JSON helpers shared by the HarkHAR tests.
enum HARTestDocuments {
    static let creator = HARCreator(name: "hark", version: "0.1")

    /// 2014-01-14T17:04:01.819Z plus `extraNanoseconds`.
    static func time(_ extraNanoseconds: Int64 = 0) -> Timestamp {
        Timestamp(nanoseconds: 1_389_719_041_819_000_000 + extraNanoseconds)
    }

    /// A GET with a query, cookies, and a JSON response that sets a cookie.
    static var getEntry: HAREntry {
        let request = HARRequest(
            method: "GET",
            url: "http://example.com/search?q=caf%C3%A9+au+lait&page=2",
            httpVersion: "HTTP/1.1",
            headers: [
                HARHeader(name: "Host", value: "example.com"),
                HARHeader(name: "Cookie", value: "session=abc123; theme=dark"),
                HARHeader(name: "Authorization", value: "Bearer secret-token"),
            ],
            headersSize: 120,
            bodySize: 0
        )
        let body = ByteBuffer(string: "{\"ok\":true,\"name\":\"Zoë\"}\n")
        let response = HARResponse(
            status: 200,
            statusText: "OK",
            httpVersion: "HTTP/1.1",
            headers: [
                HARHeader(name: "Content-Type", value: "application/json"),
                HARHeader(name: "Set-Cookie", value: "id=a3fWa; Path=/; Secure; HttpOnly; SameSite=Lax"),
            ],
            content: HARContent(mimeType: "application/json", body: BodyStorage(body)),
            headersSize: 95,
            bodySize: body.readableBytes
        )
        var entry = HAREntry(
            startedDateTime: time(),
            request: request,
            response: response,
            timings: HARTimings(connect: 1.25, send: 0.5, wait: 20.125, receive: 2),
            serverIPAddress: IPAddress(ipv4: 0x5DB8_D822),
            connection: "80"
        )
        entry.resourceType = "fetch"
        return entry
    }

    /// A form POST with a binary (not UTF-8) response, over HTTP/2 and TLS.
    static var postEntry: HAREntry {
        let form = ByteBuffer(string: "user=j%C3%B6rg&note=a+b%26c&flag")
        let request = HARRequest(
            method: "POST",
            url: "https://example.com/login",
            httpVersion: "http/2.0",
            headers: [HARHeader(name: "content-type", value: "application/x-www-form-urlencoded")],
            postData: HARPostData(mimeType: "application/x-www-form-urlencoded", body: BodyStorage(form)),
            headersSize: -1,
            bodySize: form.readableBytes
        )
        var response = HARResponse(
            status: 302,
            statusText: "",
            httpVersion: "http/2.0",
            headers: [HARHeader(name: "location", value: " /home ")],
            content: HARContent(mimeType: "image/png", body: BodyStorage(ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 0xFF, 0x00]))),
            headersSize: -1,
            bodySize: 6
        )
        response.transferSize = 140
        response.trailers = [HARHeader(name: "grpc-status", value: "0")]
        var entry = HAREntry(
            startedDateTime: time(5_000_000),
            request: request,
            response: response,
            timings: HARTimings(blocked: 0, dns: -1, connect: -1, send: 0.001, wait: 3, receive: 0.0004, ssl: -1),
            serverIPAddress: IPAddress("2001:db8::1"),
            connection: "443"
        )
        entry.streamID = 3
        entry.tls = HARTLS(version: "TLS 1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", serverName: "example.com", alpn: "h2")
        entry.custom = [HARJSONMember("_priority", "High"), HARJSONMember("weight", ["value": 16, "exclusive": false])]
        return entry
    }

    /// Parses JSON text with Foundation, the independent reader the tests check against.
    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        guard let dictionary = object as? [String: Any] else { throw ParseError.notAnObject }
        return dictionary
    }

    /// The `log.entries` of a written document.
    static func entries(_ bytes: [UInt8]) throws -> [[String: Any]] {
        let log = try parse(bytes)["log"] as? [String: Any]
        return log?["entries"] as? [[String: Any]] ?? []
    }

    /// Writes a document with `entries` and returns its bytes.
    static func write(_ entries: [HAREntry], configuration: HARWriter.Configuration = .init()) throws -> [UInt8] {
        try HARWriter.document(HARLog(creator: creator, entries: entries), configuration: configuration)
    }

    enum ParseError: Error {
        case notAnObject
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The object member `key`, or an empty object.
    subscript(object key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    /// The array-of-objects member `key`, or an empty array.
    subscript(objects key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
