import HarkCore
/// Request and response heads copied from the corpus captures (`strings` of the pcaps), so that tests
/// parse what real clients and servers send.
enum CorpusMessages {
    /// Firefox 3.5 fetching a stylesheet (http1-pipelined-requests.pcap).
    static let firefoxCSSRequest = wire(
        "GET /style/enhanced.css HTTP/1.1",
        "Host: www.mozilla.org",
        "User-Agent: Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/20091102 Firefox/3.5.5",
        "Accept: text/css,*/*;q=0.1",
        "Accept-Language: en-us,en;q=0.5",
        "Accept-Encoding: gzip,deflate",
        "Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7",
        "Keep-Alive: 300",
        "Connection: keep-alive",
        "Referer: http://www.mozilla.org/projects/calendar/",
        "",
        ""
    )

    /// Firefox fetching a script on the same connection.
    static let firefoxScriptRequest = wire(
        "GET /script/urchin.js HTTP/1.1",
        "Host: www.mozilla.org",
        "User-Agent: Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/20091102 Firefox/3.5.5",
        "Accept: */*",
        "Accept-Language: en-us,en;q=0.5",
        "Accept-Encoding: gzip,deflate",
        "Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7",
        "Keep-Alive: 300",
        "Connection: keep-alive",
        "Referer: http://www.mozilla.org/projects/calendar/",
        "",
        ""
    )

    /// A NetScaler-fronted Apache response head, with the scrambled `ntCoent-Length` field and the padded
    /// `Content-Length` value seen in the capture; the body length is filled in.
    static func netscalerResponseHead(contentLength: Int, encoding: String = "gzip") -> String {
        wire(
            "HTTP/1.1 200 OK",
            "Date: Wed, 18 Nov 2009 20:53:15 GMT",
            "Expires: Wed, 18 Nov 2009 21:08:15 GMT",
            "Cache-Control: max-age=900       ",
            "Connection: Keep-Alive",
            "Via: NS-CACHE-6.0:   4",
            "ETag: \"a73-5bb68800\"",
            "Server: Apache",
            "Last-Modified: Wed, 26 Aug 2009 03:50:56 GMT",
            "Accept-Ranges: bytes",
            "ntCoent-Length: 2675",
            "Keep-Alive: timeout=20, max=914",
            "Content-Type: text/css",
            "Content-Encoding: \(encoding)",
            "Content-Length:        \(contentLength)",
            "",
            ""
        )
    }

    /// curl posting a form with `Expect: 100-continue` (http1-100-continue-chunked.pcap).
    static func curlPostHead(contentLength: Int) -> String {
        wire(
            "POST / HTTP/1.1",
            "User-Agent: curl/7.17.1 (i386-apple-darwin8.11.1) libcurl/7.17.1 zlib/1.2.3",
            "Host: www.osu.edu",
            "Accept: */*",
            "Content-Length: \(contentLength)",
            "Content-Type: application/x-www-form-urlencoded",
            "Expect: 100-continue",
            "",
            ""
        )
    }

    /// Apache answering the POST with a chunked body.
    static let apacheChunkedHead = wire(
        "HTTP/1.1 200 OK",
        "Date: Thu, 19 Mar 2009 05:21:35 GMT",
        "Server: Apache/2.0.59 (Unix) mod_auth_kerb/5.3 mod_ssl/2.0.59 OpenSSL/0.9.7a mod_fastcgi/2.4.2 PHP/5.2.8",
        "X-Powered-By: PHP/5.2.8",
        "Connection: close",
        "Transfer-Encoding: chunked",
        "Content-Type: text/html",
        "X-Pad: avoid browser bug",
        "",
        ""
    )

    /// The Docker client asking to attach with a raw-stream upgrade (http1-docker-head-post-upgrade.pcap).
    static let dockerAttachRequest = wire(
        "POST /v1.41/containers/cc4fc8e49cad/attach?stderr=1&stdin=1&stdout=1&stream=1 HTTP/1.1",
        "Host: 192.168.122.87:2375",
        "User-Agent: Docker-Client/27.3.1 (linux)",
        "Content-Length: 0",
        "Connection: Upgrade",
        "Content-Type: text/plain",
        "Upgrade: tcp",
        "",
        ""
    )

    /// The Docker daemon switching to the raw stream.
    static let dockerUpgradedResponse = wire(
        "HTTP/1.1 101 UPGRADED",
        "Content-Type: application/vnd.docker.raw-stream",
        "Connection: Upgrade",
        "Upgrade: tcp",
        "",
        ""
    )

    /// The Docker client's HEAD ping and the daemon's answer, which declares a length but has no body.
    static let dockerPingRequest = wire(
        "HEAD /_ping HTTP/1.1",
        "Host: 192.168.122.87:2375",
        "User-Agent: Docker-Client/27.3.1 (linux)",
        "",
        ""
    )

    static let dockerPingResponse = wire(
        "HTTP/1.1 200 OK",
        "Api-Version: 1.41",
        "Cache-Control: no-cache, no-store, must-revalidate",
        "Content-Length: 2",
        "Content-Type: text/plain; charset=utf-8",
        "Docker-Experimental: false",
        "Ostype: linux",
        "Pragma: no-cache",
        "Server: Docker/20.10.17 (linux)",
        "Date: Tue, 26 Nov 2024 18:48:20 GMT",
        "",
        ""
    )

    /// The CONNECT exchange of http1-connect-proxy.pcap.
    static let connectRequest = wire("CONNECT abc:443 HTTP/1.1", "User-Agent: Victor/1.0", "", "")
    static let connectResponse = wire("HTTP/1.1 200 OK", "Server: VictorServer/1.0", "", "")

    /// curl's request answered in HTTP/0.9 style (http1-request-http09-response.pcap).
    static let curlZeekRequest = wire(
        "GET /zeek.html HTTP/1.1",
        "Host: localhost",
        "User-Agent: curl/7.74.0",
        "Accept: */*",
        "",
        ""
    )
}
