"""Live heap and keypad-to-pulse latency of the firmware on a real MicroPython interpreter.

    .venv/bin/python -m benchmarks.firmware_micropython [--credentials 500] [--transactions 10000]

Builds the ESP32 bundle for a 24-compartment bank, runs it on MicroPython's WebAssembly port
(Node.js) connected to an embedded broker, and prints the figures. A benchmark, not a test:
it fails on nothing, it reports. The heap budget is 40 KB live with no growth, so TLS and
WiFi fit beside it on an ESP32 without PSRAM; the latency target is p99 under 50 ms.
"""

import argparse
import secrets
import tempfile
from pathlib import Path

from fleet.firmware_build import board_config, build
from fleet.localhost import free_port
from locker.embedded_broker import EmbeddedBroker
from protocol.broker_url import broker_address
from protocol.layout import parse_layout
from simulator.wasm_board import WasmBoard


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=500)
    parser.add_argument("--transactions", type=int, default=10000)
    parser.add_argument("--latency-samples", type=int, default=100)
    parser.add_argument("--mqtt-url", help="a running broker (default: an embedded one)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="fw-bench-"))
    broker = None if args.mqtt_url else EmbeddedBroker(port=free_port()).start()
    host, port = broker_address(args.mqtt_url) if args.mqtt_url else ("127.0.0.1", broker.port)
    config = board_config("BENCH-1", secrets.token_hex(32), parse_layout("S8,M8,L8"), host, port)
    build("esp32", workdir / "bundle", config)
    board = WasmBoard(workdir / "bundle", workdir)
    try:
        spec = {
            "credentials": args.credentials,
            "transactions": args.transactions,
            "latency_samples": args.latency_samples,
        }
        [result] = [o["bench"] for o in board.command(timeout=3600, bench=spec) if "bench" in o]
    finally:
        board.stop()
        if broker:
            broker.stop()
    report(result, spec)


def report(figures, spec):
    in_order = figures.pop("latency_ms")
    latencies = sorted(in_order)
    code = figures["heap_code"]
    print("firmware on MicroPython 1.27 (WebAssembly port), 24 compartments")
    print("  modules loaded (bytecode; frozen into flash on a production board): %d bytes" % code)
    print(
        "  live heap after boot:                      %7d bytes (%d without the modules)"
        % (figures["heap_boot"], figures["heap_boot"] - code)
    )
    print(
        "  live heap with %5d stored credentials:    %7d bytes (%d without the modules)"
        % (
            spec["credentials"],
            figures["heap_with_credentials"],
            figures["heap_with_credentials"] - code,
        )
    )
    print(
        "  live heap after %5d transactions:        %7d bytes (growth %+d)"
        % (
            spec["transactions"],
            figures["heap_after_transactions"],
            figures["heap_after_transactions"] - figures["heap_with_credentials"],
        )
    )
    print(
        "  live heap after each quarter of them:      %s"
        % ", ".join(str(h) for h in figures["heap_during_transactions"])
    )
    print(
        "  keypad-to-pulse latency over %d presses: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms"
        % (
            len(latencies),
            percentile(latencies, 50),
            percentile(latencies, 95),
            percentile(latencies, 99),
            latencies[-1],
        )
    )
    print(
        "  flash writes: %d; events still unacknowledged: %d"
        % (figures["flash_writes"], figures["pending_events"])
    )
    print("  keypad-to-pulse latencies in order (ms): %s" % in_order)


if __name__ == "__main__":
    main()
