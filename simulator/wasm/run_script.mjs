// Runs one Python script on a real MicroPython interpreter (the WebAssembly port) in Node.js,
// with project modules copied into its filesystem first: how a pure module (protocol/...) is
// checked to behave the same on MicroPython as on CPython.
//
// usage: node run_script.mjs SCRIPT.py [SOURCE=DEST ...]   (DEST relative to /flash)
// stdout: what the script prints; exit status 1 if it raised. A script that defines an async
// main() has it awaited afterwards: this port has no asyncio.run, only a top-level await.
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import fs from "fs";
import path from "path";

const [script, ...copies] = process.argv.slice(2);
const mp = await loadMicroPython({
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
for (const copy of copies) {
  const [source, dest] = copy.split("=");
  const target = "/flash/" + dest;
  mp.FS.mkdirTree(path.posix.dirname(target));
  mp.FS.writeFile(target, fs.readFileSync(source));
}
try {
  mp.runPython("import sys\nsys.path.insert(0, '/flash')\n" + fs.readFileSync(script, "utf8"));
  await mp.runPythonAsync("if 'main' in globals():\n    await main()\n");
} catch (error) {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
}
