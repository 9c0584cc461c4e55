"""Messages per second from a board to the cloud's side of the broker: straight over TCP, and
through `locker gateway` on a pty, unpaced and paced to a real line's baud rate.

    .venv/bin/python -m benchmarks.serial_gateway [--messages 300] [--size 200] [--baud 115200]

The board is the firmware's MQTT client (QoS 1, as the board's events go) over its serial
transport; paho on the broker counts what arrives. A pty has no baud rate, so the paced run
holds every write of the board back for the time the bytes take on a 8N1 line (10 bits a
byte); the ceiling line is that arithmetic alone. A benchmark, not a test: it reports.
"""

import argparse
import asyncio
import os
import queue
import sys
import tempfile
import time

import paho.mqtt.client as mqtt

from firmware.board.serial_transport import SerialLink
from firmware.net.mqtt_client import MqttClient
from fleet.localhost import mosquitto_binary
from locker.chaos.processes import LockerProcess, Mosquitto
from protocol import serial_frames
from simulator.wired_locker import TtyStreams, raw_pty

TOPIC = "bench/serial/events"
MQTT_OVERHEAD = 2 + 2 + len(TOPIC) + 2  # fixed header, topic length, topic, packet id


class PacedWriter:
    """A writer that takes as long as `baud` would: each drain waits for the bytes written."""

    def __init__(self, writer, baud):
        self.writer, self.baud = writer, baud
        self.owed = 0

    def write(self, data):
        self.owed += len(data)
        self.writer.write(data)

    async def drain(self):
        owed, self.owed = self.owed, 0
        await asyncio.sleep(owed * 10 / self.baud)
        await self.writer.drain()


def ticks_ms():
    return int(time.monotonic() * 1000)


class Counter:
    """paho on the broker: the cloud's side, counting messages as they arrive."""

    def __init__(self, port):
        self.arrived = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-counter")
        self.client.on_message = lambda *args: self.arrived.put(time.monotonic())
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(TOPIC, qos=1)
        self.client.loop_start()
        time.sleep(0.5)

    def wait_for(self, count, timeout=600):
        last = None
        for _ in range(count):
            last = self.arrived.get(timeout=timeout)
        return last

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


async def publish_all(open_transport, messages, size, counter):
    client = MqttClient(open_transport, "bench-board", ticks_ms, queue_limit=messages + 1)
    client.retransmit_s = 60  # a slow line is not a lost message
    running = asyncio.create_task(client.run())
    await client.up.wait()
    started = time.monotonic()
    for n in range(messages):
        client.publish(TOPIC, (b"%08d" % n) + b"x" * (size - 8))
    last = await asyncio.to_thread(counter.wait_for, messages)
    await client.stop()
    await running
    return messages / (last - started)


async def direct(port, messages, size, counter):
    async def open_transport():
        return await asyncio.open_connection("127.0.0.1", port)

    return await publish_all(open_transport, messages, size, counter)


async def through_gateway(board_fd, messages, size, counter, baud=None):
    tty = await TtyStreams().open(board_fd)
    writer = PacedWriter(tty.writer, baud) if baud else tty.writer
    link = SerialLink(tty.reader, writer)
    try:
        return await publish_all(link.open_transport, messages, size, counter)
    finally:
        link.stop()
        tty.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--size", type=int, default=200, help="payload bytes (an event: ~200)")
    parser.add_argument("--baud", type=int, default=115200)
    args = parser.parse_args(argv)
    if not mosquitto_binary():
        sys.exit("needs the mosquitto binary")
    workdir = tempfile.mkdtemp(prefix="bench-serial-")
    os.chmod(workdir, 0o777)
    broker = Mosquitto(workdir).start()
    board_fd, gateway_fd, path = raw_pty()
    gateway = LockerProcess(
        "gateway", ["gateway", "--port", path, "--mqtt-url", broker.url], {}, workdir
    )
    gateway.start()
    counter = Counter(broker.port)
    try:
        rows = [
            ("direct TCP", asyncio.run(direct(broker.port, args.messages, args.size, counter))),
            (
                "gateway on a pty, unpaced",
                asyncio.run(through_gateway(board_fd, args.messages, args.size, counter)),
            ),
            (
                "gateway on a pty, paced to %d baud" % args.baud,
                asyncio.run(
                    through_gateway(board_fd, args.messages, args.size, counter, args.baud)
                ),
            ),
        ]
    finally:
        counter.close()
        gateway.stop()
        broker.stop()
        os.close(board_fd)
        os.close(gateway_fd)
    line_bytes = args.size + MQTT_OVERHEAD + serial_frames.HEADER + serial_frames.TRAILER
    rows.append(("ceiling at %d baud (arithmetic)" % args.baud, args.baud / 10 / line_bytes))
    print("%d QoS 1 messages of %d bytes, board -> broker -> paho" % (args.messages, args.size))
    for name, rate in rows:
        print("  %-42s %8.0f messages/s" % (name, rate))


if __name__ == "__main__":
    main()
