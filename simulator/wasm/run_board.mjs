// Runs the firmware bundle on a real MicroPython interpreter (the WebAssembly port) in Node.js.
// Only the socket (Node's `net`) and the pins (simulator/virtual_bank.py) come from outside:
// the drivers, the core, the MQTT client, the flash store and the runtime are the bundle's.
//
// usage: node run_board.mjs BUNDLE_DIR HARNESS_DIR [heap bytes] [release ms]
// release ms: how often V8 collects, so the JS-proxy table stays small (see releaseProxies);
// the benchmark sets it, with node --expose-gc
// stdin: one JSON command per line (see harness.py); stdout: one JSON observation per line.
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import readline from "readline";
import { clocks, Commands, connect } from "./board_host.mjs";
import { copyIn } from "./flash_mirror.mjs";

const [bundleDir, harnessDir, heap, releaseMs] = process.argv.slice(2);

const commands = new Commands();
readline
  .createInterface({ input: process.stdin })
  .on("line", (line) => commands.push(line))
  .on("close", () => commands.push('{"quit": true}'));

const mp = await loadMicroPython({
  heapsize: heap ? parseInt(heap, 10) : 1024 * 1024,
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
copyIn(mp.FS, bundleDir, "/flash");
copyIn(mp.FS, harnessDir, "/flash/sim");
// The live heap, measured from the top level: a gc.collect() called from inside running
// Python code on this port cannot reclaim what the suspended stack might still point to.
// Node's own garbage collection comes first: a Python object handed to JavaScript (the
// callbacks of every awaited socket read) stays pinned until JavaScript lets go of its proxy.
async function liveHeap() {
  // Rounds of Node GC then Python GC until the Python heap stops shrinking: finalizers that
  // unpin Python objects run some time after the JavaScript collection that found them.
  let last = Infinity;
  for (let round = 0; round < 8; round++) {
    if (globalThis.gc) globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
    mp.runPython("import gc\ngc.collect()\n_live_heap = gc.mem_alloc()");
    const now = mp.globals.get("_live_heap");
    if (now >= last) break;
    last = now;
  }
  return String(last);
}

// This port lends a Python object to JavaScript through a table (proxy_c_ref, a list, and
// proxy_c_dict), and every awaited JS promise lends one (the callbacks of each socket read and
// each asyncio.sleep); a slot is freed only when V8's FinalizationRegistry runs for its proxy,
// and the table never shrinks. Left to Node's own GC pacing it grows to ~1,000 slots (~11 KB
// of MicroPython heap) over 2,000 transactions: a board has no such table. So, for the
// benchmark, V8 collects every `release ms` from boot on, and the benchmark also calls
// releaseProxies() every few transactions; it stops the timer for its latency phase (a
// collection is a pause).
async function releaseProxies() {
  if (globalThis.gc) globalThis.gc();
  await new Promise((r) => setTimeout(r, 0)); // the finalizers run after the collection
}
let releasing = null;
function releaseEvery(ms) {
  if (releasing) clearInterval(releasing);
  releasing = ms && globalThis.gc ? setInterval(() => globalThis.gc(), ms) : null;
  if (releasing) releasing.unref();
}
releaseEvery(releaseMs ? parseInt(releaseMs, 10) : 0);

mp.registerJsModule("host", {
  connect,
  nextCommand: () => commands.next(),
  heap: liveHeap,
  releaseProxies,
  releaseEvery,
  codeHeap: () => codeHeap,
  ...clocks,
});
let codeHeap = "0";
try {
  // Import everything first and weigh it: on a board the modules would be frozen into flash,
  // so the benchmark reports code and data apart.
  mp.runPython(`
import sys, os
sys.path[:0] = ["/flash", "/flash/sim"]
os.chdir("/flash")
import harness
import bench  # the benchmark's driver: weighed with the harness, not as the board's data
`);
  mp.runPython("import gc\ngc.collect()\n_code_heap = str(gc.mem_alloc())");  // a call of its own
  codeHeap = mp.globals.get("_code_heap");
  await mp.runPythonAsync("await harness.main()");
  process.exit(0);
} catch (error) {
  process.stderr.write(String(error.message || error) + "\n");
  process.exit(1);
}
