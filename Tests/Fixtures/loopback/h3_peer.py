"""HTTP/3 server and scripted client on loopback, with aioquic (PyPI), for Scripts/record-h3.

    python3 h3_peer.py serve PORT CERT KEY KEYLOG      serve until killed
    python3 h3_peer.py client PORT KEYLOG LOG [SCENARIO]   run a scenario below, write what happened to LOG (JSON)

The server answers:
    GET  /            200, a short text/html page
    GET  /hello?…     200, text/plain naming the query
    POST /echo        200, the request body back, as application/octet-stream
    GET  /large       200, 300,000 bytes of text (many STREAM frames, flow control updates)
    GET  /sized?N     200, the first N bytes of /large's text
    GET  /gzip        200, gzip-encoded JSON (content-encoding: gzip)
    GET  /update-keys 200, text/plain, after the server starts a key update (RFC 9001 §6)
    GET  /pushing     200, text/html, after pushing /pushed.css and /pushed.js (PUSH_PROMISE, RFC 9114 §4.6)
    anything else     404, text/plain
It keeps the session tickets it issues, so a client may resume and send 0-RTT requests.

Scenarios:
    requests     (default) two connections: QUIC v1 (AES-128-GCM) with every request above but /sized,
                 /update-keys and /pushing, and a 404 (a key update before /large), then QUIC v2 (RFC 9369)
                 with ChaCha20-Poly1305 and one GET. H3_REPEAT=N runs the first connection's requests N
                 times (a larger capture, for benchmarks).
    key-updates  one QUIC v1 connection with five key updates: four the client starts, each before a
                 GET /sized?20000, and one the server starts (/update-keys) between them.
    resume       two QUIC v1 connections: the first GETs / and keeps the server's session ticket; the second
                 resumes with it and sends GET /hello?early=1 and POST /echo as 0-RTT (early data) before
                 the handshake completes, then GET /pushing, whose two pushed responses the client reads.
Both sides write NSS key log lines to their KEYLOG.
"""

import asyncio
import gzip
import json
import os
import ssl
import sys

from aioquic.asyncio import QuicConnectionProtocol, connect, serve
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived, PushPromiseReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import QuicEvent
from aioquic.quic.packet import QuicProtocolVersion
from aioquic.tls import CipherSuite

PUSHED = {"/pushed.css": (b"text/css", b"body { color: teal }\n"), "/pushed.js": (b"text/javascript", b"console.log('pushed')\n")}
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
    if method == "GET" and path.startswith("/sized?"):
        return 200, [(b"content-type", b"text/plain")], LARGE[: int(path.partition("?")[2])]
    if method == "GET" and path == "/update-keys":
        return 200, [(b"content-type", b"text/plain")], b"sent after the server's key update\n"
    if method == "GET" and path == "/pushing":
        return 200, [(b"content-type", b"text/html")], b'<html><link rel=stylesheet href=/pushed.css><script src=/pushed.js></script></html>\n'
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
        if path == "/update-keys":
            self._quic.request_key_update()
        if path == "/pushing":
            for pushed, (content_type, pushed_body) in PUSHED.items():
                push_stream = self.http.send_push_promise(
                    stream_id, [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", b"localhost"), (b":path", pushed.encode())])
                self.http.send_headers(push_stream, [(b":status", b"200"), (b"server", b"h3-peer"), (b"content-type", content_type),
                                                     (b"content-length", str(len(pushed_body)).encode())])
                self.http.send_data(push_stream, pushed_body, end_stream=True)
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
        # Pushed responses by push ID: the promised path, the response headers and body.
        self.pushes = {}

    def quic_event_received(self, event: QuicEvent) -> None:
        for h3_event in self.http.handle_event(event):
            if isinstance(h3_event, PushPromiseReceived):
                self.pushes[h3_event.push_id] = {"path": dict(h3_event.headers)[b":path"].decode(), "stream": h3_event.stream_id, "body": b""}
            elif isinstance(h3_event, (HeadersReceived, DataReceived)) and h3_event.push_id is not None:
                push = self.pushes.setdefault(h3_event.push_id, {"body": b""})
                if isinstance(h3_event, HeadersReceived):
                    push["status"] = int(dict(h3_event.headers)[b":status"])
                else:
                    push["body"] += h3_event.data
                push["ended"] = h3_event.stream_ended
            elif isinstance(h3_event, (HeadersReceived, DataReceived)) and h3_event.stream_id in self.waiting:
                future, response = self.waiting[h3_event.stream_id]
                if isinstance(h3_event, HeadersReceived):
                    response["headers"] = [(k.decode(), v.decode()) for k, v in h3_event.headers]
                else:
                    response["body"] += h3_event.data
                if h3_event.stream_ended:
                    future.set_result(response)

    async def pushed(self) -> list:
        """The pushed responses, once every promised one ended (or after 5 seconds)."""
        for _ in range(50):
            if self.pushes and all(push.get("ended") for push in self.pushes.values()):
                break
            await asyncio.sleep(0.1)
        return [{"push_id": push_id, "promised_on": push.get("stream"), "method": "GET", "path": push.get("path"),
                 "status": push.get("status"), "response_bytes": len(push["body"])} for push_id, push in sorted(self.pushes.items())]

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


async def run_key_updates(port: int, secrets, results: list) -> None:
    configuration = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, secrets_log_file=secrets, server_name="localhost",
                                      verify_mode=ssl.CERT_NONE, supported_versions=[QuicProtocolVersion.VERSION_1],
                                      cipher_suites=[CipherSuite.AES_128_GCM_SHA256])
    async with connect("127.0.0.1", port, configuration=configuration, create_protocol=ClientProtocol) as client:
        for path in ["/sized?20000", "/sized?20000", "/update-keys", "/sized?20000", "/sized?20000"]:
            if path != "/update-keys":
                client._quic.request_key_update()
            results.append(dict(await client.request("GET", path), quic_version="v1"))
        client.close()
        await client.wait_closed()


async def run_resume(port: int, secrets, results: list) -> None:
    tickets = []

    def configuration():
        return QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, secrets_log_file=secrets, server_name="localhost",
                                 verify_mode=ssl.CERT_NONE, supported_versions=[QuicProtocolVersion.VERSION_1],
                                 cipher_suites=[CipherSuite.AES_128_GCM_SHA256])

    async with connect("127.0.0.1", port, configuration=configuration(), create_protocol=ClientProtocol,
                       session_ticket_handler=tickets.append) as client:
        results.append(dict(await client.request("GET", "/"), quic_version="v1", connection=1))
        for _ in range(50):
            if tickets:
                break
            await asyncio.sleep(0.1)
        client.close()
        await client.wait_closed()
    if not tickets:
        raise SystemExit("the server sent no session ticket")
    resumed = configuration()
    resumed.session_ticket = tickets[-1]
    async with connect("127.0.0.1", port, configuration=resumed, create_protocol=ClientProtocol, wait_connected=False) as client:
        # Sent before the handshake completes: 0-RTT packets with the early traffic secret.
        early = await asyncio.gather(client.request("GET", "/hello?early=1"), client.request("POST", "/echo", b"early body " * 20))
        for result in early:
            results.append(dict(result, quic_version="v1", connection=2, early_data=client._quic.tls.early_data_accepted))
        results.append(dict(await client.request("GET", "/pushing"), quic_version="v1", connection=2))
        for push in await client.pushed():
            results.append(dict(push, quic_version="v1", connection=2, pushed=True))
        client.close()
        await client.wait_closed()


async def run_requests(port: int, secrets, results: list) -> None:
    repeat = int(os.environ.get("H3_REPEAT", "1"))
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


async def run_client(port: int, keylog: str, log: str, scenario: str) -> None:
    results = []
    with open(keylog, "a") as secrets:
        await {"requests": run_requests, "key-updates": run_key_updates, "resume": run_resume}[scenario](port, secrets, results)
    with open(log, "w") as out:
        json.dump(results, out, indent=1)


async def run_server(port: int, cert: str, key: str, keylog: str) -> None:
    configuration = QuicConfiguration(is_client=False, alpn_protocols=H3_ALPN, secrets_log_file=open(keylog, "a"),
                                      supported_versions=[QuicProtocolVersion.VERSION_1, QuicProtocolVersion.VERSION_2])
    configuration.load_cert_chain(cert, key)
    tickets = {}
    await serve("127.0.0.1", port, configuration=configuration, create_protocol=ServerProtocol,
                session_ticket_handler=lambda ticket: tickets.__setitem__(ticket.ticket, ticket), session_ticket_fetcher=lambda label: tickets.pop(label, None))
    await asyncio.Future()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(run_server(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]))
    else:
        asyncio.run(run_client(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "requests"))
