#!/usr/bin/env python3
"""A burst of small TCP segments on loopback, for the live capture buffer test: a server thread reads
what one client sends in COUNT writes of 100 bytes (TCP_NODELAY, so most writes are segments of their
own). Usage: burst.py PORT COUNT; prints the bytes the server received."""

import socket
import sys
import threading
port = int(sys.argv[1])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
received = []
def serve():
    conn, _ = server.accept()
    total = 0
    while True:
        data = conn.recv(65536)
        if not data:
            break
        total += len(data)
    received.append(total)
    conn.close()
thread = threading.Thread(target=serve)
thread.start()
client = socket.create_connection(("127.0.0.1", port))
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for _ in range(int(sys.argv[2])):
    client.send(b"x" * 100)
client.close()
thread.join()
print(received[0])
