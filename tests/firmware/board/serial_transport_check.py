# Runs on MicroPython and CPython alike (test_serial_transport_micropython.py): the board's
# serial transport over an in-memory line whose other end plays the gateway; prints each step.
# The runner awaits main() (the WebAssembly port has no asyncio.run).
import asyncio

from firmware.board.serial_transport import SerialLink
from protocol import serial_frames as sf


class Line:
    """Both ends of the line: the board reads `to_board`, what it writes is decoded."""

    def __init__(self):
        self.to_board = b""
        self.arrived = asyncio.Event()
        self.decoder = sf.FrameDecoder()
        self.frames = []

    async def read(self, n):
        while not self.to_board:
            self.arrived.clear()
            await self.arrived.wait()
        data, self.to_board = self.to_board[:n], self.to_board[n:]
        return data

    def write(self, data):
        self.frames += self.decoder.feed(data)

    async def drain(self):
        await asyncio.sleep(0)

    def put(self, data):
        self.to_board += data
        self.arrived.set()


async def until(condition):
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise OSError("never")


async def main():
    line = Line()
    link = SerialLink(line, line)
    link.open_timeout_s = 2
    opening = asyncio.create_task(link.open_transport())
    await until(lambda: line.frames)
    print("board sent", [(f.kind, f.connection) for f in line.frames])
    line.put(b"noise\xa5" + sf.encode(sf.OPENED, 1))
    reader, writer = await opening
    writer.write(b"\x10" + b"m" * 1500)
    await writer.drain()
    data = [f for f in line.frames if f.kind == sf.DATA]
    print("data frames", [len(f.payload) for f in data])
    wire = sf.encode(sf.DATA, 1, b"\x20\x02\x00\x00") + sf.encode(sf.CLOSE, 1)
    for i in range(len(wire)):
        line.put(wire[i : i + 1])
        await asyncio.sleep(0)
    print("read", await reader.read(10), await reader.read(10))
    line.frames = []
    line.put(sf.encode(sf.DATA, 9, b"stale"))
    await until(lambda: line.frames)
    print("answered", [(f.kind, f.connection) for f in line.frames])
    link.stop()
