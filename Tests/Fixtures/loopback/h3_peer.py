"""HTTP/3 server and scripted client on loopback, with aioquic (PyPI), for Scripts/record-h3.

    python3 h3_peer.py serve PORT CERT KEY KEYLOG      serve until killed
    python3 h3_peer.py client PORT KEYLOG LOG          run the script below, write what happened to LOG (JSON)

The server answers:
    GET  /            200, a short text/html page
    GET  /hello?…     200, text/plain naming the query
    POST /echo        200, the request body back, as application/octet-stream
    GET  /large       200, 300,000 bytes of text (many STREAM frames, flow control updates)
    GET  /gzip        200, gzip-encoded JSON (content-encoding: gzip)
    anything else     404, text/plain

The client opens two connections: QUIC v1 (AES-128-GCM) with every request above and a 404 (and a key
update before /large), then QUIC v2 (RFC 9369) with ChaCha20-Poly1305 and one GET. H3_REPEAT=N runs the
first connection's requests N times (a larger capture, for benchmarks). Both sides write NSS key log lines to their KEYLOG.
"""

import asyncio
import gzip
import json
import os
import ssl
import sys

from aioquic.asyncio import QuicConnectionProtocol, connect, serve
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import QuicEvent
from aioquic.quic.packet import QuicProtocolVersion
from aioquic.tls import CipherSuite

LARGE = b"".join(b"line %06d of the large response, padded to sixty bytes......\n" % i for i in range(5000))[:300_000]


def respond(method: str, path: str, body: bytes):
    """Status, headers and body for one request."""
    if method == "GET" and path == "/":
        return 200, [(b"content-type", b"text/html")], b"<html><body>hark h3 test</body></html>\n"
    if method == "GET" and path.startswith("/hello"):
        return 200, [(b"content-type", b"text/plain")], ("hello, query %s\n" % path.partition("?")[2]).encode()
    if method == "POST" and path == "/echo":
        return 200, [(b"content-type", b"application/octet-stream")], body
    if method == "GET" and path == "/large":
        return 200, [(b"content-type", b"text/plain")], LARGE
    if method == "GET" and path == "/gzip":
        data = json.dumps({"items": list(range(200)), "note": "compressed"}).encode()
        return 200, [(b"content-type", b"application/json"), (b"content-encoding", b"gzip")], gzip.compress(data, mtime=0)
    return 404, [(b"content-type", b"text/plain")], b"not found\n"


class ServerProtocol(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.http = H3Connection(self._quic)
        self.requests = {}

    def quic_event_received(self, event: QuicEvent) -> None:
        for h3_event in self.http.handle_event(event):
            if isinstance(h3_event, HeadersReceived):
                headers = dict(h3_event.headers)
                self.requests[h3_event.stream_id] = [headers, b""]
                if h3_event.stream_ended:
                    self.answer(h3_event.stream_id)
            elif isinstance(h3_event, DataReceived):
                self.requests[h3_event.stream_id][1] += h3_event.data
                if h3_event.stream_ended:
                    self.answer(h3_event.stream_id)

    def answer(self, stream_id: int) -> None:
        headers, body = self.requests.pop(stream_id)
        method, path = headers[b":method"].decode(), headers[b":path"].decode()
        status, fields, content = respond(method, path, body)
        print(json.dumps({"stream": stream_id, "method": method, "path": path, "status": status}), flush=True)
        self.http.send_headers(
            stream_id, [(b":status", str(status).encode()), (b"server", b"h3-peer"), (b"content-length", str(len(content)).encode())] + fields
        )
        self.http.send_data(stream_id, content, end_stream=True)
        self.transmit()


class ClientProtocol(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.http = H3Connection(self._quic)
        self.waiting = {}

    def quic_event_received(self, event: QuicEvent) -> None:
        for h3_event in self.http.handle_event(event):
            if isinstance(h3_event, (HeadersReceived, DataReceived)) and h3_event.stream_id in self.waiting:
                future, response = self.waiting[h3_event.stream_id]
                if isinstance(h3_event, HeadersReceived):
                    response["headers"] = [(k.decode(), v.decode()) for k, v in h3_event.headers]
                else:
                    response["body"] += h3_event.data
                if h3_event.stream_ended:
                    future.set_result(response)

    async def request(self, method: str, path: str, body: bytes = b"") -> dict:
        stream_id = self._quic.get_next_available_stream_id()
        headers = [(b":method", method.encode()), (b":scheme", b"https"), (b":authority", b"localhost"),
                   (b":path", path.encode()), (b"user-agent", b"h3-peer-client")]
        if body:
            headers += [(b"content-type", b"application/octet-stream"), (b"content-length", str(len(body)).encode())]
        self.http.send_headers(stream_id, headers, end_stream=not body)
        if body:
            self.http.send_data(stream_id, body, end_stream=True)
        future = asyncio.get_running_loop().create_future()
        self.waiting[stream_id] = (future, {"body": b""})
        self.transmit()
        response = await asyncio.wait_for(future, 10)
        status = dict(response["headers"])[":status"]
        return {"stream": stream_id, "method": method, "path": path, "request_bytes": len(body),
                "status": int(status), "response_bytes": len(response["body"])}


async def run_client(port: int, keylog: str, log: str) -> None:
    results = []
    repeat = int(os.environ.get("H3_REPEAT", "1"))
    with open(keylog, "a") as secrets:
        for version, suites, script in [
            (QuicProtocolVersion.VERSION_1, [CipherSuite.AES_128_GCM_SHA256],
             [("GET", "/", b""), ("GET", "/hello?name=hark", b""), ("POST", "/echo", b"posted body " * 100),
              ("GET", "/large", b""), ("GET", "/gzip", b""), ("GET", "/missing", b"")] * repeat),
            (QuicProtocolVersion.VERSION_2, [CipherSuite.CHACHA20_POLY1305_SHA256], [("GET", "/hello?version=2", b"")]),
        ]:
            configuration = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, secrets_log_file=secrets,
                                              server_name="localhost", verify_mode=ssl.CERT_NONE,
                                              supported_versions=[version], cipher_suites=suites)
            async with connect("127.0.0.1", port, configuration=configuration, create_protocol=ClientProtocol) as client:
                for method, path, body in script:
                    if path == "/large":
                        # A key update (RFC 9001 §6) before the large response: later packets use new keys.
                        client._quic.request_key_update()
                    result = await client.request(method, path, body)
                    result["quic_version"] = "v2" if version == QuicProtocolVersion.VERSION_2 else "v1"
                    results.append(result)
                client.close()
                await client.wait_closed()
    with open(log, "w") as out:
        json.dump(results, out, indent=1)


async def run_server(port: int, cert: str, key: str, keylog: str) -> None:
    configuration = QuicConfiguration(is_client=False, alpn_protocols=H3_ALPN, secrets_log_file=open(keylog, "a"),
                                      supported_versions=[QuicProtocolVersion.VERSION_1, QuicProtocolVersion.VERSION_2])
    configuration.load_cert_chain(cert, key)
    await serve("127.0.0.1", port, configuration=configuration, create_protocol=ServerProtocol)
    await asyncio.Future()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(run_server(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]))
    else:
        asyncio.run(run_client(int(sys.argv[2]), sys.argv[3], sys.argv[4]))
