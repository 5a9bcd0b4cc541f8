import HarkCore
import NIOCore

/// Realistic HTTP/1.1 heads for the head-parsing benchmarks: what a desktop browser sends for a script
/// it has cached, and a CDN's `304 Not Modified` answer with 15 fields.
enum HTTP1Heads {
    /// A browser's conditional request for a script: request line and 16 fields, 765 bytes.
    static let request = head([
        "GET /static/js/app.3f9a1c7e.js HTTP/1.1",
        "Host: www.example.com",
        "Connection: keep-alive",
        #"sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99""#,
        "sec-ch-ua-mobile: ?0",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        #"sec-ch-ua-platform: "Linux""#,
        "Accept: */*",
        "Sec-Fetch-Site: same-origin",
        "Sec-Fetch-Mode: no-cors",
        "Sec-Fetch-Dest: script",
        "Referer: https://www.example.com/articles/2024/05/benchmarks",
        "Accept-Encoding: gzip, deflate, br, zstd",
        "Accept-Language: en-GB,en;q=0.9,de;q=0.8",
        "Cookie: session=8c1f0e6a2b7d4c39a5e0f1b2c3d4e5f6; _ga=GA1.2.1234567890.1714550000; consent=analytics%3Dno",
        #"If-None-Match: "5f3a-61b2c9e4d8a00""#,
        "If-Modified-Since: Tue, 30 Apr 2024 09:12:44 GMT",
    ])

    /// A CDN's answer from cache: status line and 15 fields, 530 bytes, no body.
    static let response = head([
        "HTTP/1.1 304 Not Modified",
        "Date: Wed, 01 May 2024 08:30:12 GMT",
        "Server: nginx/1.24.0",
        "Connection: keep-alive",
        "Last-Modified: Tue, 30 Apr 2024 09:12:44 GMT",
        #"ETag: "5f3a-61b2c9e4d8a00""#,
        "Expires: Thu, 01 May 2025 08:30:12 GMT",
        "Cache-Control: public, max-age=31536000, immutable",
        "Age: 3512",
        "Vary: Accept-Encoding",
        "Access-Control-Allow-Origin: *",
        "X-Content-Type-Options: nosniff",
        "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload",
        "X-Cache: HIT, HIT",
        "Via: 1.1 varnish, 1.1 varnish",
        #"Alt-Svc: h3=":443"; ma=86400"#,
    ])

    /// The lines joined with CRLF, ending with the blank line.
    private static func head(_ lines: [String]) -> ByteBuffer {
        ByteBuffer(string: lines.map { $0 + "\r\n" }.joined() + "\r\n")
    }
}
