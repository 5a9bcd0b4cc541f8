#!/usr/bin/env python3
"""A real WebSocket conversation on loopback for hark's capture test: a `websockets` server and client
(PyPI), permessage-deflate negotiated with context takeover (the library's default), exchanging text,
JSON, binary, a fragmented message, a ping and a close. Usage: websocket_pair.py PORT CLIENT_PORT MANIFEST
(the client binds CLIENT_PORT, so that the caller chooses which side a port heuristic takes for the
server).

MANIFEST gets JSON: the negotiated extension header, every data message each side sent (in order, text
or hex) and `cut_time`, a wall-clock time between the first and the second half of the conversation
(a copy of the capture cut there starts after the upgrade, with the compression history lost)."""
import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

PORT = int(sys.argv[1])
CLIENT_PORT = int(sys.argv[2])
MANIFEST = sys.argv[3]
sent = {"client": [], "server": []}


def record(side, message):
    if isinstance(message, str):
        sent[side].append({"opcode": 1, "text": message})
    else:
        sent[side].append({"opcode": 2, "hex": bytes(message).hex()})


async def echo(websocket):
    async for message in websocket:
        reply = "echo: " + message if isinstance(message, str) else bytes(reversed(message))
        record("server", reply)
        await websocket.send(reply)


def tick(number):
    return json.dumps({"event": "tick", "n": number, "payload": "the same words again and again, " * 3})


async def main():
    manifest = {}
    async with serve(echo, "127.0.0.1", PORT, compression="deflate"):
        async with connect(f"ws://127.0.0.1:{PORT}/chat", compression="deflate", local_addr=("127.0.0.1", CLIENT_PORT)) as client:
            manifest["extensions"] = client.response.headers.get("Sec-WebSocket-Extensions")

            async def send(message):
                record("client", message)
                await client.send(message)
                await client.recv()

            await send("hello")
            for number in range(3):
                await send(tick(number))
            await send(bytes(range(256)) * 4)
            # Fragmented: three frames, compressed as one message (RSV1 on the first frame only).
            record("client", "frag-ment-ed")
            await client.send(["frag-", "ment-", "ed"])
            await client.recv()
            pong = await client.ping(b"probe")
            await pong
            await asyncio.sleep(0.3)
            manifest["cut_time"] = time.time()
            await asyncio.sleep(0.3)
            for number in range(3, 6):
                await send(tick(number))
            await send("z" * 100_000)
            await send("no back-reference: 0123456789")
            await client.close(1000, "client done")
    manifest["sent"] = sent
    with open(MANIFEST, "w") as out:
        json.dump(manifest, out)


asyncio.run(asyncio.wait_for(main(), 30))
