"""A long-lived h2c channel, as a gRPC client keeps one: one call, then (once the file GO exists)
three more on the same connection, whose header blocks refer to HPACK entries of the first call.
Usage: h2c_channel.py PORT GO; prints "call N 200" per call, then waits for GO.end."""
import os
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events

port, go = int(sys.argv[1]), sys.argv[2]
sock = socket.create_connection(("127.0.0.1", port))
conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
sock.sendall(conn.data_to_send())


def call(n):
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":authority", f"127.0.0.1:{port}"),
                               (":path", "/inventory.Inventory/GetItem"), ("content-type", "application/grpc"),
                               ("te", "trailers")])
    conn.send_data(stream, b"\x00\x00\x00\x00\x02\x08" + bytes([n]), end_stream=True)
    sock.sendall(conn.data_to_send())
    status = None
    while True:
        data = sock.recv(65536)
        if not data:
            raise SystemExit("connection closed")
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                status = dict(event.headers).get(b":status", b"").decode()
            if isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if isinstance(event, h2.events.StreamEnded) and event.stream_id == stream:
                sock.sendall(conn.data_to_send())
                print("call", n, status, flush=True)
                return
        sock.sendall(conn.data_to_send())


call(1)
while not os.path.exists(go):
    time.sleep(0.05)
for n in range(2, 5):
    call(n)
while not os.path.exists(go + ".end"):
    time.sleep(0.05)
