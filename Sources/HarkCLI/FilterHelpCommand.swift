import ArgumentParser

extension Hark {
    /// `hark filter` (and `hark help filter`): the `--filter` language, with examples that run.
    struct FilterHelp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "filter",
            abstract: "The --filter language: fields, operators and examples (hark help filter).",
            discussion: """
                --filter EXPR keeps the exchanges (har, trace, stats, tui) or connections (connections) \
                that match; trace --tcp and the TCP table of stats keep the connections of the matching \
                exchanges. The expression is checked before the capture is read, with a hint when it is wrong.

                Fields (names ignore case):
                  host                  the request's host without the port (else the
                                        server address)
                  method, path, url     method; path without the query; the full URL
                  status                final status code, or a class 1xx..5xx (= !=)
                  latency               request start to response end: 250us, 100ms,
                                        1.5s (a bare number is ms)
                  req.size, resp.size   body bytes: 512, 10kB, 2MiB
                  content-type          the response's, else the request's; = compares
                                        the media type before ;
                  header.NAME           a header of either message; req.header.NAME,
                                        resp.header.NAME of one
                  proto                 http1, h2, ws, grpc, tls, fcgi, unknown, none
                  ip, port              either end: 10.0.0.1, 10.0.0.0/8, ::1; 443
                  client, server        one end: 10.0.0.1, 10.0.0.1:80, [::1]:443
                  conn, stream          TCP connection number (tshark's tcp.stream);
                                        HTTP/2 stream id
                  grpc.status           a gRPC call's grpc-status (0 OK, 14 unavailable)
                  grpc.method           a gRPC call's /package.Service/Method
                  msg                   a WebSocket text message's text
                connections takes proto, ip, port, client, server and conn only.

                Operators:
                  = !=                  equal, not equal; text with * or ? is a glob
                                        (\\* is a literal star)
                  ~ !~                  a regular expression, anywhere (anchor: ^ $)
                  < <= > >=             numbers, sizes, durations, status, port, conn
                  exists, missing       headers, content-type, status, resp.size,
                                        stream, grpc.status
                  not (!), and (&&), or (||), ( )
                                        binding in that order: not tightest
                Quote values with spaces or parentheses in "..." or '...'. A field an \
                exchange lacks (no response, a header not sent) matches nothing, so != and \
                not match it.

                Examples:
                  hark trace --filter 'status>=300' capture.pcap
                  hark trace --filter 'method=POST and latency>50ms' capture.pcap
                  hark trace --filter 'path~^/admin/login and not status=200' capture.pcap
                  hark har --filter 'req.header.cookie exists' capture.pcap -o c.har
                  hark stats --filter 'content-type=text/html or resp.size>5kB' capture.pcap
                  hark connections --filter 'port=5000 and (conn=1 or conn>=5)' capture.pcap
                  hark trace --tcp --filter 'conn=3' capture.pcap
                """
        )

        func run() throws {
            print(Hark.helpMessage(for: Self.self))
        }
    }
}
