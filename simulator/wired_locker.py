"""A simulated wired board: the firmware's Board whose MQTT connection goes through its serial
transport (firmware/board/serial_transport.py) over one end of a pseudo-terminal, where a UART
would be on a real board; `locker gateway` opens the other end as its serial port."""

import asyncio
import os
import tty

from firmware.board.serial_transport import SerialLink
from simulator.virtual_locker import VirtualLocker


def raw_pty():
    """(board's fd, gateway's fd, gateway's path) of a new pty pair, both ends raw: bytes pass
    untouched, nothing is echoed. The caller keeps the gateway's fd open, as a UART stays there
    when the PC at its other end goes away (without it, a pty's board end reads EIO)."""
    board_fd, gateway_fd = os.openpty()
    tty.setraw(board_fd)
    tty.setraw(gateway_fd)
    return board_fd, gateway_fd, os.ttyname(gateway_fd)


class TtyStreams:
    """asyncio's StreamReader and StreamWriter over a tty's fd, as a board wraps its UART; the
    fd itself stays the caller's (the streams work on copies of it)."""

    async def open(self, fd):
        loop = asyncio.get_running_loop()
        self.reader = asyncio.StreamReader()
        read_file = os.fdopen(os.dup(fd), "rb", buffering=0)
        self._read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(self.reader), read_file
        )
        write_file = os.fdopen(os.dup(fd), "wb", buffering=0)
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, write_file
        )
        self.writer = asyncio.StreamWriter(transport, protocol, self.reader, loop)
        return self

    def close(self):
        self._read_transport.close()
        self.writer.close()


class SerialLocker(VirtualLocker):
    """A VirtualLocker wired to a gateway by the tty `line_fd` instead of reaching a broker."""

    def __init__(self, locker_id, key, compartments, line_fd, **options):
        VirtualLocker.__init__(self, locker_id, key, compartments, None, **options)
        self.line_fd = line_fd
        self.link = None  # the SerialLink, made in the board's loop on the first connect
        self._tty = None

    async def _open_transport(self):
        if self.link is None:
            self._tty = await TtyStreams().open(self.line_fd)
            self.link = SerialLink(self._tty.reader, self._tty.writer)
        return await self.link.open_transport()

    async def _stop(self):
        await VirtualLocker._stop(self)
        self._end_link()

    async def _power_off(self):
        await VirtualLocker._power_off(self)
        self._end_link()

    def _end_link(self):
        if self.link is not None:
            self.link.stop()
            self._tty.close()
            self.link = None
