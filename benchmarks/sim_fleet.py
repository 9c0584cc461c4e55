"""A simulated fleet in one process: N firmware boards (VirtualLocker) as asyncio tasks in one
loop, against a broker in its own process, and what they cost.

    .venv/bin/python -m benchmarks.sim_fleet [--boards 200] [--io-ms 5] [--mqtt-url URL]

Prints how many boards came online, the time until all were, the resident memory per board
and the CPU the idle fleet uses. A benchmark, not a test: it fails on nothing, it reports.
Without --mqtt-url it starts Mosquitto (or, lacking it, the embedded broker in this process,
whose memory then counts against the boards).
"""

import argparse
import os
import resource
import tempfile
import time

from fleet.localhost import free_port, mosquitto_binary
from locker.chaos.processes import Mosquitto
from locker.embedded_broker import EmbeddedBroker
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker

LAYOUT = "S4,M4,L4"


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_broker(url):
    if url:
        return None, url
    if mosquitto_binary():
        broker = Mosquitto(tempfile.mkdtemp(prefix="sim-fleet-")).start()
        return broker, broker.url
    broker = EmbeddedBroker(port=free_port()).start()
    return broker, broker.url


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument(
        "--io-ms", type=int, help="how often each board polls its parts (default: the firmware's)"
    )
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for online")
    parser.add_argument("--idle-s", type=float, default=5, help="seconds of idle CPU measured")
    parser.add_argument("--mqtt-url", help="a running broker (default: Mosquitto, started here)")
    args = parser.parse_args(argv)
    broker, url = start_broker(args.mqtt_url)
    compartments = parse_layout(LAYOUT)
    before = rss_kb()
    boards = []
    try:
        started = time.monotonic()
        for i in range(args.boards):
            board = VirtualLocker("SIM-%05d" % i, os.urandom(32), compartments, url)
            if args.io_ms:
                board.board.io_ms = args.io_ms
            boards.append(board.start())
        online_s = wait_online(boards, started, args.timeout)
        online = sum(1 for board in boards if board.online)
        per_board_kb = (rss_kb() - before) / max(1, len(boards))
        cpu_before, polls_before = cpu_s(), sum(board.polls for board in boards)
        time.sleep(args.idle_s)
        idle_cpu = (cpu_s() - cpu_before) / args.idle_s
        polls = (sum(board.polls for board in boards) - polls_before) / args.idle_s / len(boards)
        io_ms = args.io_ms or boards[0].board.io_ms
        print("boards started:       %d (layout %s, broker %s)" % (len(boards), LAYOUT, url))
        print("boards connected:     %d" % online)
        print(
            "time to all online:   %s"
            % (
                "%.1f s" % online_s
                if online_s is not None
                else "not all within %.0f s" % args.timeout
            )
        )
        print("RSS per board:        %.0f KB" % per_board_kb)
        print(
            "idle CPU, all boards: %.0f%% of a core (%.2f ms/s per board)"
            % (idle_cpu * 100, idle_cpu * 1000 / max(1, len(boards)))
        )
        print(
            "parts polled:         %.0f times/s per board (the firmware's io_ms %d asks %.0f)"
            % (polls, io_ms, 1000 / io_ms)
        )
    finally:
        for board in boards:
            board.power_off()  # fast: no DISCONNECT round trip for each
        if broker is not None:
            broker.stop()


def wait_online(boards, started, timeout):
    """Seconds from `started` until every board is online, or None after `timeout`."""
    while time.monotonic() - started < timeout:
        if all(board.online for board in boards):
            return time.monotonic() - started
        time.sleep(0.05)
    return None


if __name__ == "__main__":
    main()
