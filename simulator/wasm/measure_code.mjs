// Weighs modules on a real MicroPython interpreter (the WebAssembly port): the live heap of a
// fresh interpreter, then again after importing the given modules from BUNDLE_DIR. Every
// gc.collect() runs in a top-level call of its own: from inside running Python code this port
// cannot reclaim what the suspended stack might still point to.
//
// usage: node measure_code.mjs BUNDLE_DIR MODULE[,MODULE...]
// stdout: one JSON line {"before": bytes, "after": bytes, "modules": [names loaded from flash]}
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { copyIn } from "./flash_mirror.mjs";

const [bundleDir, modules] = process.argv.slice(2);

const mp = await loadMicroPython({
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
copyIn(mp.FS, bundleDir, "/flash");
mp.runPython('import gc, sys, os\nsys.path[:0] = ["/flash"]\nos.chdir("/flash")');
// a board's `ssl` is built in (no heap); this port has none: an empty one, imported before the
// first weighing, stands in
mp.FS.mkdirTree("/stand-ins");
mp.FS.writeFile("/stand-ins/ssl.py", "");
mp.runPython('sys.path.append("/stand-ins")\nimport ssl');
function liveHeap() {
  mp.runPython("gc.collect()");
  mp.runPython("_heap = gc.mem_alloc()");
  return mp.globals.get("_heap");
}
liveHeap(); // the first collection settles what the interpreter's own start left behind
const before = liveHeap();
mp.runPython(modules.split(",").map((name) => "import " + name).join("\n"));
const after = liveHeap();
mp.runPython(
  "import json\n_loaded = json.dumps(sorted(n for n in sys.modules if getattr(sys.modules[n], " +
    "'__file__', '').startswith('/flash')))",
);
const loaded = JSON.parse(mp.globals.get("_loaded"));
process.stdout.write(JSON.stringify({ before, after, modules: loaded }) + "\n");
