// Weighs modules on a real MicroPython interpreter (the WebAssembly port): the live heap of a
// fresh interpreter, then again after importing the given modules from BUNDLE_DIR. Every
// gc.collect() runs in a top-level call of its own: from inside running Python code this port
// cannot reclaim what the suspended stack might still point to.
//
// usage: node measure_code.mjs BUNDLE_DIR MODULE[,MODULE...] [UNLOADED[,UNLOADED...]]
// UNLOADED: modules the board drops once booted (firmware/board/startup.py's unload_boot_only(),
// done here the same way, since a ROMFS-style bundle has its function bodies cut): weighed
// again after, as "resident".
// stdout: one JSON line {"before": bytes, "after": bytes, "resident": bytes, "modules": [names
// loaded from flash], "resident_modules": [those still loaded after the unloading]}
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { copyIn } from "./flash_mirror.mjs";

const [bundleDir, modules, unloaded = ""] = process.argv.slice(2);

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
// The weighing's own helpers, defined before the first weighing so that their code and names
// are in every figure alike. _unload: each module out of sys.modules and out of its package's
// attributes, as firmware/board/startup.py's unload_boot_only() does.
mp.runPython(`
import json
def _loaded():
    return json.dumps(sorted(n for n in sys.modules if getattr(sys.modules[n], "__file__", "").startswith("/flash")))
def _unload(names):
    for name in names:
        sys.modules.pop(name, None)
        package, _, attribute = name.rpartition(".")
        if package in sys.modules and hasattr(sys.modules[package], attribute):
            delattr(sys.modules[package], attribute)
`);
function liveHeap() {
  mp.runPython("gc.collect()");
  mp.runPython("_heap = gc.mem_alloc()");
  return mp.globals.get("_heap");
}
function loadedModules() {
  mp.runPython("_modules = _loaded()");
  const names = JSON.parse(mp.globals.get("_modules"));
  mp.runPython("del _modules"); // not to be weighed with the code
  return names;
}
liveHeap(); // the first collection settles what the interpreter's own start left behind
const before = liveHeap();
// __import__: an `import` statement would bind a name here that keeps its module alive
mp.runPython(modules.split(",").map((name) => `__import__("${name}")`).join("\n"));
const after = liveHeap();
const loaded = loadedModules();
mp.runPython(`_unload(${JSON.stringify(unloaded ? unloaded.split(",") : [])})`);
const resident = liveHeap();
const residentModules = loadedModules();
process.stdout.write(
  JSON.stringify({ before, after, resident, modules: loaded, resident_modules: residentModules }) +
    "\n",
);
