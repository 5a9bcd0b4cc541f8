#!/usr/bin/env python3
"""An OTLP/HTTP receiver for hark's --otlp tests: decodes each request with the official
opentelemetry-proto classes and appends it to OUT as one JSON line
{"path", "encoding", "content_type", "headers", "body"}, ids as lower-case hex.

usage: receiver.py PORT OUT [--fail N STATUS RETRY_AFTER] [--delay SECONDS]
  --fail: answer the first N requests with STATUS (and Retry-After: RETRY_AFTER unless it is -);
  --delay: wait this long before answering each request (a slow Collector).
Listens on 127.0.0.1 only and stops by itself after 120 s. Prints "listening" when ready."""
import gzip
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decode import decode  # noqa: E402

port, out = int(sys.argv[1]), sys.argv[2]
options = sys.argv[3:]
fail_count, fail_status, fail_retry, delay = 0, 503, None, 0.0
if "--fail" in options:
    i = options.index("--fail")
    fail_count, fail_status = int(options[i + 1]), int(options[i + 2])
    fail_retry = None if options[i + 3] == "-" else options[i + 3]
if "--delay" in options:
    delay = float(options[options.index("--delay") + 1])
lock = threading.Lock()
seen = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            seen += 1
            number = seen
        if delay:
            time.sleep(delay)
        if number <= fail_count:
            self.answer(fail_status, [("Retry-After", fail_retry)] if fail_retry else [])
            return
        raw = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
        signal = {"/v1/traces": "traces", "/v1/metrics": "metrics"}.get(self.path)
        if signal is None:
            self.answer(404)
            return
        record = {"path": self.path, "encoding": self.headers.get("Content-Encoding"),
                  "content_type": self.headers.get("Content-Type"), "headers": dict(self.headers),
                  "time": time.time(), "body": decode(signal, raw)}
        with lock, open(out, "a") as file:
            file.write(json.dumps(record) + "\n")
        self.answer(200)


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
threading.Timer(120, server.shutdown).start()
print("listening", flush=True)
server.serve_forever()
