"""Does the bundle fit the board? RAM, heap growth and keypad-to-pulse latency of the firmware on a
real MicroPython interpreter, for an ESP32 without PSRAM and a Pico W.

    .venv/bin/python -m benchmarks.firmware_micropython [--credentials 500]
        [--transactions 10000] [--latency-samples 100] [--boards esp32,picow]

For each board: builds its bundle for a 24-compartment bank, weighs the code that stays resident
once the board has dropped its boot-only modules, and at boot (as .mpy files, and as ROMFS:
benchmarks/firmware_code_ram.py says how, and its error bound), then runs the bundle
on MicroPython 1.27's WebAssembly port (Node.js) started with the board's heap, connected to an
embedded broker: live data after boot with 500 credentials, after every 1,000 of 10,000
transactions (deposit and pickup, acknowledged), and keypad-to-pulse latency through the real
keypad driver and I/O loop. Live data is the live heap (gc.collect() at the top level) minus the
modules imported (the board's and the harness's). The WebAssembly port's table of Python
objects lent to JavaScript, which a board does not have, grows with every awaited JS promise
until V8's finalizers run: V8 collects on a timer and every few transactions so it stays under
~1 KB, and it is shown on its own row (still counted in the live data). A benchmark, not a
test: it fails on nothing.

The heaps (MicroPython 1.25+ stock builds):
- ESP32-WROOM without PSRAM (ESP32_GENERIC): 111,936 bytes, the size the esp32 port's heap
  reaches after growing once, tuned to leave ~40 KB to ESP-IDF for WiFi and one TLS connection
  (micropython/micropython PR #13219, "esp32: Add MICROPY_GC_INITIAL_HEAP_SIZE option and tune
  it", in 1.22 and later). On ESP32 mbedTLS allocates from that ESP-IDF memory, beside the heap.
- Pico W (RPI_PICO_W): the rp2 port gives the heap all RAM left after .bss (PR #10968), and
  mbedTLS allocates from the heap (MICROPY_TRACKED_ALLOC): TLS must fit in it. No published
  figure for RPI_PICO_W 1.25+ was found; PICOW_HEAP is an estimate to replace with the GC total
  micropython.mem_info() prints on a board (--picow-heap).
ROMFS in the stock builds: neither. rp2 enables VfsRom only when a board sets
MICROPY_HW_ROMFS_BYTES (ports/rp2/mpconfigport.h: MICROPY_VFS_ROM is MICROPY_HW_ROMFS_BYTES > 0,
default 0; RPI_PICO_W sets none). ESP32_GENERIC's partition table has no romfs partition; the
ROMFS variant (ports/esp32/boards/ESP32_GENERIC/mpconfigvariant_ROMFS.cmake: MICROPY_VFS_ROM=1,
partitions-4MiB-romfs.csv) is built from source, not among the published downloads.
"""

import argparse
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.firmware_code_ram import code_ram
from fleet.firmware_build import board_config, build
from fleet.localhost import free_port
from locker.embedded_broker import EmbeddedBroker
from protocol.broker_url import broker_address
from protocol.layout import parse_layout
from simulator.wasm_board import WasmBoard

ESP32_HEAP = 111936  # PR #13219
PICOW_HEAP = 160 * 1024  # an estimate: see the docstring
TLS_NEEDS = 40 * 1024  # the budget: free heap beside code and data for one TLS session
BOARD_NAMES = {"esp32": "ESP32 (no PSRAM)", "picow": "Pico W"}
STOCK_ROMFS = {"esp32": False, "picow": False}  # see the docstring
# V8 collects every RELEASE_MS from boot, and after every RELEASE_EVERY transactions: its
# finalizers free the wasm port's JS-proxy slots (simulator/wasm/run_board.mjs)
RELEASE_MS = 250
RELEASE_EVERY = 10


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=500)
    parser.add_argument("--transactions", type=int, default=10000)
    parser.add_argument("--latency-samples", type=int, default=100)
    parser.add_argument("--boards", default="esp32,picow")
    parser.add_argument("--picow-heap", type=int, default=PICOW_HEAP)
    parser.add_argument("--mqtt-url", help="a running broker (default: an embedded one)")
    args = parser.parse_args(argv)
    heaps = {"esp32": ESP32_HEAP, "picow": args.picow_heap}
    spec = {
        "credentials": args.credentials,
        "transactions": args.transactions,
        "latency_samples": args.latency_samples,
        "every": 1000,
        "release_every": RELEASE_EVERY,
    }
    workdir = Path(tempfile.mkdtemp(prefix="fw-bench-"))
    broker = None if args.mqtt_url else EmbeddedBroker(port=free_port()).start()
    address = broker_address(args.mqtt_url) if args.mqtt_url else ("127.0.0.1", broker.port)
    boards = args.boards.split(",")
    try:
        results = measure(boards, heaps, spec, address, workdir)
    finally:
        if broker:
            broker.stop()
    report(results, heaps, spec)


def measure(boards, heaps, spec, address, workdir):
    """The boards' memory phases side by side (one interpreter each), then their latency
    phases one after another, so no board's keypad is timed while another one works."""
    started = {}
    try:
        for board in boards:
            started[board] = start(board, heaps[board], address, workdir / board)
        with ThreadPoolExecutor(len(boards)) as pool:
            memory = dict(
                zip(boards, pool.map(lambda b: phase(started[b][0], spec, "memory"), boards))
            )
        return {
            board: {
                "code": started[board][1],
                "run": dict(memory[board], **phase(started[board][0], spec, "latency")),
            }
            for board in boards
        }
    finally:
        for wasm, _ in started.values():
            wasm.stop()


def start(board, heap, address, workdir):
    """(the board's bundle running on MicroPython with `heap`, its code's weight)."""
    locker = "BENCH-" + board.upper()  # one MQTT client id each
    config = board_config(locker, secrets.token_hex(32), parse_layout("S8,M8,L8"), *address)
    build(board, workdir / "bundle", config)
    code = code_ram(board, workdir)
    bundle = workdir / "bundle"
    return WasmBoard(bundle, workdir, heap_bytes=heap, release_proxies_ms=RELEASE_MS), code


def phase(wasm, spec, name):
    command = dict(spec, phases=[name])
    [figures] = [o["bench"] for o in wasm.command(timeout=3600, bench=command) if "bench" in o]
    return figures


def report(results, heaps, spec):
    boards = list(results)
    print(
        "firmware on MicroPython 1.27 (WebAssembly port), 24 compartments, %d credentials, "
        "%d transactions" % (spec["credentials"], spec["transactions"])
    )
    rows = _rows(results, heaps, spec)
    width = max(len(label) for label, _ in rows)
    print("  %-*s  %s" % (width, "", "  ".join("%18s" % BOARD_NAMES[b] for b in boards)))
    for label, cells in rows:
        print("  %-*s  %s" % (width, label, "  ".join("%18s" % cell for cell in cells)))
    for board in boards:
        _growth(board, results[board]["run"])
    print(
        "  ROMFS figure: modules re-compiled with every function body cut to `pass`, weighed, "
        "less their qstr strings (benchmarks/firmware_code_ram.py); bounds in brackets"
    )
    print(
        "  code: what stays resident once the board has dropped its boot-only modules "
        "(firmware/board/startup.py BOOT_ONLY); at boot: .mpy / ROMFS before it did"
    )
    print(
        "  wasm JS-proxy table: this port's table of Python objects lent to JavaScript (not on "
        "a board), after boot / after the transactions; kept small by running V8's finalizers "
        "every %d ms and %d transactions (not while the keypad is timed), and counted in the "
        "live data" % (RELEASE_MS, RELEASE_EVERY)
    )


def _rows(results, heaps, spec):
    cells = {label: [] for label in ROW_LABELS}
    for board, result in results.items():
        code, run = result["code"], result["run"]
        modules = run["heap_code"]  # the board's and the harness's, as imported in this run
        data_boot = run["heap_with_credentials"] - modules
        data_after = run["heap_after_transactions"] - modules
        data = max(data_boot, data_after)
        free_mpy = heaps[board] - code["mpy"] - data
        free_romfs = heaps[board] - code["romfs"] - data
        installed = free_romfs if STOCK_ROMFS[board] else free_mpy
        latencies = sorted(run["latency_ms"])
        proxies = run["growth"][-1][3] if run["growth"] else run["proxies_with_credentials"]
        values = [
            _kb(heaps[board]),
            _kb(code["mpy"]),
            "%s (%s-%s)" % (_kb(code["romfs"]), _num(code["romfs_low"]), _num(code["romfs_high"])),
            "%s / %s" % (_kb(code["mpy_boot"]), _kb(code["romfs_boot"])),
            _kb(data_boot),
            "%s (%+d B)" % (_kb(data_after), data_after - data_boot),
            "%d B / %d B" % (run["proxies_with_credentials"][2], proxies[2]),
            _kb(free_mpy),
            _kb(free_romfs),
            "yes" if STOCK_ROMFS[board] else "no: .mpy",
            "%s %s" % (_kb(installed), "ok" if installed >= TLS_NEEDS else "SHORT"),
            "%d / %d / %d ms"
            % (percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99)),
        ]
        for label, value in zip(ROW_LABELS, values):
            cells[label].append(value)
    return [(label, cells[label]) for label in ROW_LABELS]


ROW_LABELS = (
    "MicroPython heap",
    "code as .mpy files",
    "code as ROMFS",
    "code at boot, before unloading",
    "live data after boot",
    "live data after the transactions",
    "  of which wasm JS-proxy table",
    "free for TLS, code as .mpy",
    "free for TLS, code as ROMFS",
    "ROMFS in the stock build",
    "free for TLS as installed (>= 40K)",
    "keypad-to-pulse p50 / p95 / p99",
)


def _growth(board, run):
    print("  %s: live heap after every 1,000 transactions, with what the board holds:" % board)
    for done, heap, footprint, proxies in run["growth"]:
        held = ", ".join("%s %d" % (k, v) for k, v in sorted(footprint.items()) if v)
        print("    %6d  %7d B  %s; wasm proxy table %d B" % (done, heap, held, proxies[2]))
    print(
        "    MQTT outbox at most %d messages during the transactions (drained before each "
        "weighing); flash writes: %d state, %d records; events unacknowledged: %d"
        % (run["outbox_peak"], run["flash_writes"], run["record_writes"], run["pending_events"])
    )


def _kb(value):
    return "%.1fK" % (value / 1024.0)


def _num(value):
    return "%.0fK" % (value / 1024.0)


if __name__ == "__main__":
    main()
