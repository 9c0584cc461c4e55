"""The board's serial transport: OPEN/OPENED, DATA both ways, refusals, timeouts, CLOSE in the
middle of a message, garbage on the line and frames split in every way. The gateway's end of
the line is a small real class that reads and writes frames."""

import asyncio

import pytest

from firmware.board.serial_transport import SerialLink
from protocol import serial_frames as sf
from tests.firmware.net.fakes import eventually, run, within


class LineEnd:
    """The gateway's end of an in-memory serial line: what the board wrote, decoded, and a way
    to put bytes (frames, noise) on the wire towards the board."""

    def __init__(self):
        self.to_board = bytearray()
        self.arrived = asyncio.Event()
        self.decoder = sf.FrameDecoder()
        self.frames = []  # from the board, decoded

    # the board's reader
    async def read(self, n):
        while not self.to_board:
            self.arrived.clear()
            await self.arrived.wait()
        data = bytes(self.to_board[:n])
        del self.to_board[:n]
        return data

    # the board's writer
    def write(self, data):
        self.frames += self.decoder.feed(data)

    async def drain(self):
        await asyncio.sleep(0)

    def put(self, data):
        self.to_board += data
        self.arrived.set()

    def send(self, kind, number, payload=b""):
        self.put(sf.encode(kind, number, payload))

    def kinds(self):
        return [(f.kind, f.connection) for f in self.frames]

    async def answer_open(self, kind=sf.OPENED, payload=b""):
        await eventually(lambda: any(f.kind == sf.OPEN for f in self.frames))
        number = [f for f in self.frames if f.kind == sf.OPEN][-1].connection
        self.send(kind, number, payload)
        return number


def link_over(line, open_timeout_s=1):
    link = SerialLink(line, line)
    link.open_timeout_s = open_timeout_s
    link.idle_s = 0.01
    return link


async def opened(line, link):
    opening = asyncio.create_task(link.open_transport())
    number = await line.answer_open()
    reader, writer = await within(opening)
    return number, reader, writer


def test_bytes_go_both_ways_in_data_frames():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        number, reader, writer = await opened(line, link)
        writer.write(b"\x10" + b"c" * 3000)  # longer than one frame
        await within(writer.drain())
        data = [f for f in line.frames if f.kind == sf.DATA]
        assert b"".join(f.payload for f in data) == b"\x10" + b"c" * 3000
        assert {f.connection for f in data} == {number} and len(data) == 3
        line.send(sf.DATA, number, b"\x20\x02\x00\x00")
        assert await within(reader.read(10)) == b"\x20\x02\x00\x00"
        link.stop()

    run(scenario())


def test_no_answer_is_an_oserror_so_the_client_backs_off():
    async def scenario():
        link = link_over(LineEnd(), open_timeout_s=0.2)
        with pytest.raises(OSError, match="no answer"):
            await within(link.open_transport())
        link.stop()

    run(scenario())


def test_a_refusal_names_the_reason():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        opening = asyncio.create_task(link.open_transport())
        await line.answer_open(sf.REFUSED, b"connection refused by 10.0.0.5:8883")
        with pytest.raises(OSError, match="10.0.0.5:8883"):
            await within(opening)
        link.stop()

    run(scenario())


def test_close_in_the_middle_of_a_message_reads_what_came_then_the_end():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        number, reader, _ = await opened(line, link)
        line.send(sf.DATA, number, b"\x30\x40half a")
        line.send(sf.CLOSE, number)
        assert await within(reader.read(100)) == b"\x30\x40half a"
        assert await within(reader.read(100)) == b""
        link.stop()

    run(scenario())


def test_garbage_and_frames_split_byte_by_byte_still_arrive():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        number, reader, _ = await opened(line, link)
        wire = b"\x00\xff\xa5noise\xa5\x5a\x04" + sf.encode(sf.DATA, number, b"hello board")
        for byte in wire:
            line.put(bytes([byte]))
            await asyncio.sleep(0)
        assert await within(reader.read(100)) == b"hello board"
        link.stop()

    run(scenario())


def test_a_frame_of_another_connection_is_answered_with_close():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        number, reader, _ = await opened(line, link)
        line.send(sf.DATA, number + 7, b"stale")
        await eventually(lambda: (sf.CLOSE, number + 7) in line.kinds())
        line.send(sf.DATA, number, b"fresh")
        assert await within(reader.read(100)) == b"fresh"
        link.stop()

    run(scenario())


def test_a_gateway_that_restarted_ends_the_connection_and_the_next_open_works():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        first, reader, writer = await opened(line, link)
        line.send(sf.RESET, 0)
        assert await within(reader.read(10)) == b""
        with pytest.raises(OSError):
            writer.write(b"late")
        line.frames.clear()
        second, reader, _ = await opened(line, link)
        assert second == first + 1 and link.resets == 1
        line.send(sf.DATA, second, b"again")
        assert await within(reader.read(100)) == b"again"
        link.stop()

    run(scenario())


def test_closing_tells_the_gateway_and_drops_unsent_data():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        number, reader, writer = await opened(line, link)
        writer.close()
        await eventually(lambda: (sf.CLOSE, number) in line.kinds())
        assert await within(reader.read(10)) == b""

        link.stop()

    run(scenario())


def test_a_reset_while_opening_asks_again_rather_than_failing():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        opening = asyncio.create_task(link.open_transport())
        await eventually(lambda: line.kinds() == [(sf.OPEN, 1)])
        line.send(sf.RESET, 0)  # a gateway that started after our OPEN went out
        await eventually(lambda: line.kinds() == [(sf.OPEN, 1), (sf.OPEN, 1)])
        line.send(sf.OPENED, 1)
        await within(opening)
        link.stop()

    run(scenario())


def test_a_data_frame_lost_to_noise_ends_the_connection_rather_than_break_the_stream():
    async def scenario():
        line = LineEnd()
        link = link_over(line)
        number, reader, _ = await opened(line, link)
        line.put(sf.encode(sf.DATA, number, b"\x30\x05first", seq=0))
        lost = bytearray(sf.encode(sf.DATA, number, b"second", seq=1))
        lost[-1] ^= 1  # its CRC: refused on the line
        line.put(bytes(lost) + sf.encode(sf.DATA, number, b"third", seq=2))
        assert await within(reader.read(100)) == b"\x30\x05first"
        assert await within(reader.read(100)) == b""  # not "third" after a hole
        await eventually(lambda: (sf.CLOSE, number) in line.kinds())
        link.stop()

    run(scenario())
