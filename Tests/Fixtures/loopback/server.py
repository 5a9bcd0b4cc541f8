#!/usr/bin/env python3
"""A small HTTP/1.1 server for hark's loopback capture test: serves each body framing a sniffer must
handle. Listens on 127.0.0.1 only; usage: server.py PORT. Stops after 60 s by itself."""
import gzip
import http.server
import sys
import threading

PAGE = ("<html><body>" + "hark loopback test line\n" * 200 + "</body></html>").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if self.path == "/gzip":
            self.send_body(200, gzip.compress(PAGE), "text/html", [("Content-Encoding", "gzip")])
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"first chunk\n", b"second chunk\n", b"third chunk\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/cached":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
            else:
                self.send_body(200, b"cached body", extra=[("ETag", '"v1"')])
        elif self.path == "/page":
            self.send_body(200, PAGE, "text/html")
        else:
            self.send_body(404, b"not found\n")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.send_body(201, b"received " + str(len(body)).encode() + b" bytes\n")


server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
threading.Timer(60, server.shutdown).start()
print("ready", flush=True)
server.serve_forever()
