// A MicroPython board whose USB serial port is a pseudo-terminal: the installer and mpremote open
// the pty's slave end as they would open /dev/ttyUSB0, and talk to the real interpreter's REPL
// (the WebAssembly port, through replProcessChar) behind it. The board's flash is a host folder.
//
// usage: node serial_board.mjs --pty FD --flash DIR --sim DIR [--heap BYTES] [--corrupt PATH]
//   [--flash-bytes N]
//   --pty: the pty master, inherited as an open fd (simulator/serial_board.py makes the pair)
//   --flash: the flash, copied into /flash at every boot and mirrored back at every reset,
//     Ctrl-C interrupt and exit
//   --sim: the harness standing in for main.py, copied to /sim (never into /flash)
//   --corrupt: a path in the flash whose bytes come back with one byte flipped when read
//   --flash-bytes: the flash's size as os.statvfs reports it (2 MB: an ESP32's 4 MB board)
//   --watchdog-ms: the firmware's watchdog (main.py starts it; an ESP32's cannot be stopped):
//     a firmware interrupted to the REPL resets the board this long after, unless reset before
// stdin: the harness's JSON commands while the firmware runs, or {"unplug": true}
// stdout: the firmware's lines (JSON observations) and the board's own events as JSON
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import fs from "fs";
import readline from "readline";
import tty from "tty";
import { copyIn, corruptReads, flashSized, mirrorOut } from "./flash_mirror.mjs";
import { Commands, HostSockets } from "./board_host.mjs";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const ptyFd = parseInt(args.pty, 10);
const heapBytes = args.heap ? parseInt(args.heap, 10) : 1024 * 1024;
const flashBytes = args["flash-bytes"] ? parseInt(args["flash-bytes"], 10) : 2 * 1024 * 1024;
const watchdogMs = args["watchdog-ms"] ? parseInt(args["watchdog-ms"], 10) : 0;
// `locker install` holds the board with this file while it writes (firmware/main.py): the
// board boots to the REPL, no firmware and so no watchdog
const INSTALL_LOCK = "/flash/install.lock";
const PYEXEC_FORCED_EXIT = 0x100; // replProcessChar's "soft reset" answer
const PASTE_WINDOW = 256; // MICROPY_REPL_STDIN_BUFFER_MAX on an ESP32
// Output nobody reads is lost, as on a USB serial port with no host on it: what queues behind
// a full pty while the far end has not read for a while is dropped. A reading host never loses
// a byte (a large print waits for it, as a board's UART does).
const PTY_BACKLOG = 8192;
const PTY_STALLED_MS = 300;
const STOP_GRACE_MS = 8000;
const KEYBOARD_INTERRUPT =
  'Traceback (most recent call last):\r\n  File "main.py", line 1, in <module>\r\n' +
  "KeyboardInterrupt: \r\n";

function emit(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

// --- the pty: writes queue while the far end does not read, reads feed the board ----------------
const ptyOut = [];
let ptyQueued = 0;
let ptyRetry = null;
let ptyDrainedAt = Date.now();
function ptyWrite(bytes) {
  if (!bytes.length) return;
  if (ptyQueued > PTY_BACKLOG && Date.now() - ptyDrainedAt > PTY_STALLED_MS) {
    ptyOut.length = ptyQueued = 0; // nobody is reading: the board talks into the void
  }
  ptyOut.push(Buffer.from(bytes));
  ptyQueued += bytes.length;
  pumpPty();
}
function pumpPty() {
  while (ptyOut.length) {
    let written;
    try {
      written = fs.writeSync(ptyFd, ptyOut[0]);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      written = 0;
    }
    ptyQueued -= written;
    if (written) ptyDrainedAt = Date.now();
    if (written < ptyOut[0].length) {
      ptyOut[0] = ptyOut[0].subarray(written);
      if (!ptyRetry) ptyRetry = setTimeout(() => { ptyRetry = null; pumpPty(); }, 5);
      return;
    }
    ptyOut.shift();
  }
}
const ptyIn = new tty.ReadStream(ptyFd);
ptyIn.on("data", (data) => board.received(data));
ptyIn.on("error", (error) => emit({ pty_error: String(error.message || error) }));

// --- the board --------------------------------------------------------------------------------
class SerialBoard {
  constructor() {
    this.mp = null;
    this.generation = 0;
    this.state = "off"; // off, booting, firmware, stopping, repl, resetting
    this.raw = false; // raw REPL (else friendly)
    this.rawIdle = false; // raw REPL with an empty buffer: where raw-paste is asked for
    this.pasteProbe = null; // the bytes of a raw-paste request seen so far
    this.paste = null; // a raw paste being received: its code and the window left
    this.skipOk = 0;
    this.quiet = false;
    this.input = [];
    this.resetAsked = null;
    this.resets = 0;
    this.line = [];
    this.sockets = new HostSockets();
    this.commands = null;
    this.firmwareEnded = null;
  }

  // Every interpreter gets its own generation: output and calls from a discarded one are dropped.
  async boot(kind) {
    const generation = ++this.generation;
    this.state = "booting";
    this.raw = kind === "soft-raw";
    emit({ booting: generation, kind });
    const mp = await loadMicroPython({
      heapsize: heapBytes,
      linebuffer: false,
      stdout: (bytes) => this.output(generation, bytes),
      stderr: (bytes) => this.output(generation, bytes),
    });
    this.mp = mp;
    copyIn(mp.FS, args.flash, "/flash");
    copyIn(mp.FS, args.sim, "/sim");
    if (args.corrupt) corruptReads(mp.FS, "/flash/" + args.corrupt);
    flashSized(mp.FS, "/flash", flashBytes);
    this.commands = new Commands();
    mp.registerJsModule("host", this.sockets.hostModule(this.commands, () => this.mp === mp));
    mp.registerJsModule("board_host", {
      reset: () => this.askReset("hard"),
      soft_reset: () => this.askReset(this.raw ? "soft-raw" : "soft"),
      reset_cause: () => (this.resets ? (this.lastReset === "hard" ? 2 : 5) : 1),
    });
    // On an ESP32 the flash is the cwd and the path is ["", ".frozen", "/lib"] (asyncio is
    // frozen); /sim, last, holds what stands in for machine and main.py
    mp.runPython(
      'import sys, os\nsys.path[:] = ["/flash", ".frozen", "/flash/lib", "/sim"]\nos.chdir("/flash")',
    );
    const bare = kind === "soft-raw" || kind === "interrupted"; // no boot.py, no main.py
    if (!bare) this.runFile(generation, "boot.py");
    // The wasm port has no machine.Pin nor network: the harness (virtual pins, Node's sockets)
    // runs the installed firmware in place of main.py.
    const held = mp.FS.analyzePath(INSTALL_LOCK).exists;
    if (!bare && !held && mp.FS.analyzePath("/flash/main.py").exists) this.startFirmware();
    else this.enterRepl();
  }

  runFile(generation, name) {
    if (!this.mp.FS.analyzePath("/flash/" + name).exists) return;
    try {
      this.mp.runPython(`exec(open("${name}").read(), {"__name__": "__main__"})`);
    } catch (error) {
      this.output(generation, Buffer.from(traceback(error)));
    }
  }

  startFirmware() {
    this.state = "firmware";
    this.line = [];
    emit({ firmware: "started" });
    const generation = this.generation;
    this.firmwareEnded = this.mp
      .runPythonAsync("import harness\nawait harness.main()")
      .then(() => null, (error) => error)
      .then((error) => this.firmwareStopped(generation, error));
    const interrupt = this.input.lastIndexOf(0x03); // a Ctrl-C sent while the board booted
    if (interrupt >= 0) this.interrupt(this.input.slice(interrupt + 1));
  }

  interrupt(after) {
    this.input = after;
    this.state = "stopping";
    this.stopFirmware();
  }

  firmwareStopped(generation, error) {
    if (generation !== this.generation || this.state === "resetting") return;
    if (error) {
      ptyWrite(Buffer.from(traceback(error)));
      emit({ firmware: "failed", error: String(error.message || error).slice(-2000) });
    } else {
      if (this.state === "stopping") {
        ptyWrite(Buffer.from(KEYBOARD_INTERRUPT));
        this.armWatchdog(generation);
      }
      emit({ firmware: "stopped" });
    }
    mirrorOut(this.mp.FS, "/flash", args.flash);
    this.raw = false;
    this.enterRepl();
  }

  // The watchdog main.py started keeps counting at the REPL: nothing feeds it any more.
  armWatchdog(generation) {
    if (!watchdogMs) return;
    setTimeout(() => {
      if (generation !== this.generation || this.state === "resetting") return;
      emit({ watchdog: "fired" });
      this.reset("watchdog");
    }, watchdogMs);
  }

  // Ctrl-C: the harness stops the board cleanly (journal flushed), then the REPL takes over.
  async stopFirmware() {
    this.commands.push('{"quit": true}');
    const stopped = await Promise.race([
      this.firmwareEnded.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS)),
    ]);
    if (stopped || this.state !== "stopping") return;
    // A firmware that does not let go: the board comes up on a fresh interpreter at the REPL,
    // as a KeyboardInterrupt would leave it
    emit({ firmware: "did not stop" });
    ptyWrite(Buffer.from(KEYBOARD_INTERRUPT));
    mirrorOut(this.mp.FS, "/flash", args.flash);
    this.sockets.closeAll();
    await this.boot("interrupted");
  }

  enterRepl() {
    this.quiet = this.raw; // a soft reboot in the raw REPL shows no banner, only the raw prompt
    this.mp.replInit(); // prints the banner and the friendly prompt
    this.quiet = false;
    this.state = "repl";
    if (this.raw) this.feed(0x01);
    this.rawIdle = this.raw;
    emit({ repl: this.raw ? "raw" : "friendly" });
    this.pump();
  }

  output(generation, bytes) {
    if (generation !== this.generation || this.state === "resetting") return;
    if (this.quiet) return;
    if (this.skipOk) {
      const skipped = Math.min(this.skipOk, bytes.length);
      this.skipOk -= skipped;
      bytes = bytes.subarray(skipped);
    }
    ptyWrite(bytes);
    if (this.state !== "firmware" && this.state !== "stopping") return;
    for (const byte of bytes) {
      if (byte !== 0x0a) this.line.push(byte);
      else {
        process.stdout.write(Buffer.from(this.line).toString("utf8") + "\n");
        this.line = [];
      }
    }
  }

  received(data) {
    if (this.state === "firmware") {
      const interrupt = data.indexOf(0x03);
      // the firmware reads no stdin: what it is sent before a Ctrl-C is lost
      if (interrupt >= 0) this.interrupt([...data.subarray(interrupt + 1)]);
      return;
    }
    this.input.push(...data);
    this.pump();
  }

  pump() {
    while (this.state === "repl" && this.input.length) {
      const byte = this.input.shift();
      if (this.paste) this.pasteByte(byte);
      else if (this.pasteProbe || (this.raw && this.rawIdle && byte === 0x05)) this.probePaste(byte);
      else this.feed(byte);
    }
  }

  // Raw-paste mode, as MicroPython's blocking raw REPL has it (mpremote asks with \x05A\x01):
  // the port's event-driven REPL would hang on the request, so the board takes the paste here,
  // with the same window flow control, and hands the code to the raw REPL when it ends.
  probePaste(byte) {
    this.pasteProbe = (this.pasteProbe || []).concat([byte]);
    const asked = [0x05, 0x41, 0x01];
    if (this.pasteProbe.every((b, i) => b === asked[i])) {
      if (this.pasteProbe.length === asked.length) {
        this.pasteProbe = null;
        this.paste = { code: [], remain: PASTE_WINDOW };
        ptyWrite(Buffer.from([0x52, 0x01, PASTE_WINDOW & 0xff, PASTE_WINDOW >> 8]));
      }
      return;
    }
    const bytes = this.pasteProbe.slice(1); // not a raw-paste request: the rest is input
    this.pasteProbe = null;
    this.input.unshift(...bytes);
  }

  pasteByte(byte) {
    if (byte !== 0x03 && byte !== 0x04) {
      this.paste.code.push(byte);
      if (--this.paste.remain === 0) {
        this.paste.remain = PASTE_WINDOW;
        ptyWrite(Buffer.from([0x01])); // room for another window
      }
      return;
    }
    const code = this.paste.code;
    this.paste = null;
    ptyWrite(Buffer.from([0x04])); // end of data acknowledged
    if (byte === 0x03 || !code.length) {
      ptyWrite(Buffer.from("\x04\x04>")); // nothing to run: no output, no error
      return;
    }
    this.skipOk = 2; // a raw paste runs without the raw REPL's "OK"
    for (const codeByte of code) this.mp.replProcessChar(codeByte);
    this.feed(0x04);
  }

  feed(byte) {
    if (byte === 0x01) this.raw = this.rawIdle = true;
    else if (this.raw && byte === 0x02) this.raw = false;
    else if (this.raw) this.rawIdle = byte === 0x03 || byte === 0x04;
    const answer = this.mp.replProcessChar(byte);
    if (this.resetAsked) this.reset(this.resetAsked);
    else if (answer & PYEXEC_FORCED_EXIT) this.reset(this.raw ? "soft-raw" : "soft");
  }

  askReset(kind) {
    // machine.reset() does not come back on a board: what the REPL prints after it is dropped
    this.resetAsked = kind;
    if (this.state === "firmware") setImmediate(() => this.resetAsked && this.reset(kind));
  }

  async reset(kind) {
    this.resetAsked = null;
    const running = this.state === "firmware" || this.state === "stopping";
    this.state = "resetting";
    if (running) await this.stopFirmware();
    const mp = this.mp;
    mirrorOut(mp.FS, "/flash", args.flash);
    this.sockets.closeAll();
    this.resets += 1;
    const hard = kind === "hard" || kind === "watchdog"; // the chip restarts: no soft reboot
    this.lastReset = hard ? "hard" : "soft";
    emit({ reset: this.resets, kind });
    if (!hard) ptyWrite(Buffer.from("MPY: soft reboot\r\n"));
    this.mp = null;
    await this.boot(kind);
  }

  unplug(why) {
    if (this.mp && this.state !== "resetting") mirrorOut(this.mp.FS, "/flash", args.flash);
    emit({ unplugged: why });
    process.exit(0);
  }
}

function traceback(error) {
  return String(error.message || error).replace(/\r?\n/g, "\r\n");
}

const board = new SerialBoard();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    emit({ refused: line, why: "not JSON" });
    return;
  }
  if (command.unplug) board.unplug("asked");
  else if (board.state === "firmware") board.commands.push(line);
  else emit({ done: command, refused: "no firmware is running (" + board.state + ")" });
}).on("close", () => board.unplug("stdin closed"));
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => board.unplug(signal));
await board.boot("power-on");
