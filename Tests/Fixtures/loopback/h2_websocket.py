#!/usr/bin/env python3
"""WebSocket over HTTP/2 (RFC 8441 extended CONNECT) on loopback, for hark's recording and loopback test.

  h2_websocket.py serve PORT [CERT KEY]     Hypercorn (PyPI; <0.18, which accepts the h2 4.1 mitmproxy
                                            pins) serving an ASGI app: WebSocket echo on any path
                                            (text -> "echo: " + text, binary -> the bytes reversed) and
                                            small text responses to GET. With CERT and KEY: TLS, ALPN h2.
  h2_websocket.py client PORT LOG [KEYLOG]  The client, written with h2 + wsproto: one h2 connection
                                            (h2c prior knowledge; TLS with an NSS key log when KEYLOG is
                                            given) carrying ordinary GETs and two WebSocket streams,
                                            one with permessage-deflate, one without.

LOG gets JSON: per WebSocket stream its id, path, status, the `sec-websocket-extensions` answered, and
every message in the order the client sent or received it (`dir` "send"/"receive", `opcode`, `text` or
`hex`, close `code`/`reason`); per ordinary request its stream id, path, status and body.
"""
import json
import socket
import ssl
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings
from wsproto.connection import Connection, ConnectionState, ConnectionType
from wsproto.events import BytesMessage, CloseConnection, Message, Ping, Pong, TextMessage
from wsproto.extensions import PerMessageDeflate
from wsproto.handshake import client_extensions_handshake


async def app(scope, receive, send):
    """ASGI: WebSocket echo, or a short text response."""
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "http":
        body = f"plain {scope['path']} over HTTP/{scope['http_version']}\n".encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return
        if event.get("text") == "please close":
            await send({"type": "websocket.close", "code": 1001, "reason": "going away"})
        elif event.get("text") is not None:
            await send({"type": "websocket.send", "text": "echo: " + event["text"]})
        else:
            await send({"type": "websocket.send", "bytes": bytes(reversed(event["bytes"]))})


def serve(port, cert=None, key=None):
    import asyncio
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    if cert:
        config.certfile, config.keyfile = cert, key
    config.alpn_protocols = ["h2", "http/1.1"]
    asyncio.run(hypercorn_serve(app, config))


class Client:
    """One h2 connection; WebSocket streams framed by wsproto, everything logged."""

    def __init__(self, port, keylog):
        self.port = port
        sock = socket.create_connection(("127.0.0.1", port))
        if keylog:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.set_alpn_protocols(["h2"])
            context.keylog_filename = keylog
            sock = context.wrap_socket(sock, server_hostname="localhost")
        self.scheme = "https" if keylog else "http"
        self.sock = sock
        self.h2 = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        self.h2.local_settings.update({h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL: 1})
        self.h2.initiate_connection()
        self.flush()
        self.peer_allows_connect = False
        self.sockets = {}   # stream id -> wsproto Connection
        self.pending = {}   # stream id -> response headers / body, for ordinary requests
        self.log = {"websockets": [], "requests": []}
        self.streams = {}   # stream id -> its log entry

    def flush(self):
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def pump(self, until):
        """Reads and handles events until `until()` holds."""
        while not until():
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("server closed the connection")
            for event in self.h2.receive_data(data):
                self.handle(event)
            self.flush()

    def handle(self, event):
        if isinstance(event, h2.events.RemoteSettingsChanged):
            if h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL in event.changed_settings:
                self.peer_allows_connect = event.changed_settings[h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL].new_value == 1
        elif isinstance(event, h2.events.ResponseReceived):
            headers = {k.decode(): v.decode() for k, v in event.headers}
            entry = self.streams[event.stream_id]
            entry["status"] = int(headers[":status"])
            if event.stream_id in self.sockets or "websocket" in entry:
                entry["extensions"] = headers.get("sec-websocket-extensions")
                offered = [PerMessageDeflate()] if entry.pop("offer_deflate") else []
                accepted = [entry["extensions"]] if entry["extensions"] else []
                extensions = client_extensions_handshake(accepted, offered)
                self.sockets[event.stream_id] = Connection(ConnectionType.CLIENT, extensions)
                del entry["websocket"]
        elif isinstance(event, h2.events.DataReceived):
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if event.stream_id in self.sockets:
                if not event.data:
                    return  # the DATA frame that only ends the stream
                ws = self.sockets[event.stream_id]
                ws.receive_data(event.data)
                for ws_event in ws.events():
                    self.handle_ws(event.stream_id, ws, ws_event)
            else:
                self.streams[event.stream_id].setdefault("body", "")
                self.streams[event.stream_id]["body"] += event.data.decode()
        elif isinstance(event, h2.events.StreamEnded):
            self.streams[event.stream_id]["ended"] = True
        elif isinstance(event, h2.events.StreamReset):
            self.streams[event.stream_id]["reset"] = event.error_code

    def handle_ws(self, stream, ws, event):
        messages = self.streams[stream]["messages"]
        if isinstance(event, (TextMessage, BytesMessage)):
            partial = self.streams[stream].setdefault("partial", [])
            partial.append(event.data)
            if event.message_finished:
                whole = "".join(partial) if isinstance(event, TextMessage) else b"".join(partial)
                del self.streams[stream]["partial"]
                messages.append(self.entry("receive", whole))
        elif isinstance(event, Pong):
            messages.append({"dir": "receive", "opcode": 10, "hex": bytes(event.payload).hex()})
        elif isinstance(event, Ping):
            messages.append({"dir": "receive", "opcode": 9, "hex": bytes(event.payload).hex()})
            self.send_ws(stream, event.response())
        elif isinstance(event, CloseConnection):
            messages.append({"dir": "receive", "opcode": 8, "code": event.code, "reason": event.reason or ""})
            self.streams[stream]["closed"] = True
            if ws.state == ConnectionState.REMOTE_CLOSING:  # the server began the close: answer it, ending our side
                reply = event.response()
                messages.append({"dir": "send", "opcode": 8, "code": reply.code, "reason": reply.reason or ""})
                self.h2.send_data(stream, ws.send(reply), end_stream=True)

    @staticmethod
    def entry(direction, data):
        if isinstance(data, str):
            return {"dir": direction, "opcode": 1, "text": data}
        return {"dir": direction, "opcode": 2, "hex": bytes(data).hex()}

    def send_ws(self, stream, event):
        """Sends a WebSocket event; a frame longer than the peer's SETTINGS_MAX_FRAME_SIZE spans DATA frames."""
        data = self.sockets[stream].send(event)
        size = self.h2.max_outbound_frame_size
        for start in range(0, len(data), size):
            self.h2.send_data(stream, data[start:start + size])
        self.flush()

    def get(self, path):
        stream = self.h2.get_next_available_stream_id()
        self.streams[stream] = {"stream": stream, "path": path}
        self.log["requests"].append(self.streams[stream])
        self.h2.send_headers(stream, [(":method", "GET"), (":scheme", self.scheme),
                                      (":authority", f"127.0.0.1:{self.port}"), (":path", path)], end_stream=True)
        self.flush()
        return stream

    def open_websocket(self, path, deflate):
        """RFC 8441 §4: CONNECT with :protocol websocket, once the server said SETTINGS_ENABLE_CONNECT_PROTOCOL."""
        self.pump(lambda: self.peer_allows_connect)
        stream = self.h2.get_next_available_stream_id()
        headers = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", self.scheme),
                   (":authority", f"127.0.0.1:{self.port}"), (":path", path), ("sec-websocket-version", "13")]
        if deflate:
            headers.append(("sec-websocket-extensions", f"permessage-deflate; {PerMessageDeflate().offer()}"))
        self.streams[stream] = {"stream": stream, "path": path, "websocket": True, "offer_deflate": deflate, "messages": []}
        self.log["websockets"].append(self.streams[stream])
        self.h2.send_headers(stream, headers)
        self.flush()
        self.pump(lambda: stream in self.sockets)
        return stream

    def send(self, stream, data, fragments=None):
        """Sends one data message (in `fragments` pieces when given) and waits for its echo."""
        messages = self.streams[stream]["messages"]
        messages.append(self.entry("send", data))
        count = len(messages)
        for index, piece in enumerate(fragments or [data]):
            self.send_ws(stream, Message(data=piece, message_finished=index == len(fragments or [data]) - 1))
        self.pump(lambda: len(messages) > count)

    def ping(self, stream, payload):
        messages = self.streams[stream]["messages"]
        messages.append({"dir": "send", "opcode": 9, "hex": payload.hex()})
        count = len(messages)
        self.send_ws(stream, Ping(payload=payload))
        self.pump(lambda: len(messages) > count)

    def close(self, stream, code, reason):
        """Sends a close frame in the DATA frame that ends the client's side (RFC 8441 §5: END_STREAM
        stands for TCP's FIN) and waits for the server's close. Hypercorn 0.17 then forgets the stream
        without ending its side (and an empty DATA frame with END_STREAM sent after its close would make
        it drop the whole connection)."""
        self.streams[stream]["messages"].append({"dir": "send", "opcode": 8, "code": code, "reason": reason})
        self.h2.send_data(stream, self.sockets[stream].send(CloseConnection(code=code, reason=reason)), end_stream=True)
        self.flush()
        self.pump(lambda: self.streams[stream].get("closed"))

    def ask_to_close(self, stream):
        """Asks the server to close (the app answers "please close" with close 1001): the server's close
        comes with END_STREAM, the client's answer ends the client's side."""
        self.streams[stream]["messages"].append(self.entry("send", "please close"))
        self.send_ws(stream, Message(data="please close"))
        self.pump(lambda: self.streams[stream].get("closed") and self.streams[stream].get("ended"))

    def finish(self):
        self.h2.close_connection()
        self.flush()
        self.sock.close()


def tick(number):
    return json.dumps({"event": "tick", "n": number, "payload": "the same words again and again, " * 3})


def client(port, log_path, keylog=None):
    c = Client(port, keylog)
    first = c.get("/before")
    c.pump(lambda: c.streams[first].get("ended"))
    deflated = c.open_websocket("/chat", deflate=True)
    plain = c.open_websocket("/plain", deflate=False)
    c.send(deflated, "hello over h2")
    c.send(plain, "plain hello")
    for number in range(3):
        c.send(deflated, tick(number))
    c.send(plain, bytes(range(256)) * 4)
    c.send(deflated, bytes(range(256)) * 4)
    c.send(deflated, "frag-ment-ed", fragments=["frag-", "ment-", "ed"])
    c.ping(deflated, b"probe-1")
    c.ping(plain, b"probe-2")
    middle = c.get("/while-open")
    c.pump(lambda: c.streams[middle].get("ended"))
    c.send(plain, tick(9))
    c.send(deflated, "z" * 20_000)
    c.close(plain, 1000, "plain done")
    c.send(deflated, "still open after the other closed")
    c.ask_to_close(deflated)
    last = c.get("/after")
    c.pump(lambda: c.streams[last].get("ended"))
    c.finish()
    for entry in c.log["websockets"]:
        entry.pop("closed", None)
    with open(log_path, "w") as out:
        json.dump(c.log, out, indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), *sys.argv[3:5])
    else:
        client(int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
