// What the board's harness gets from Node.js as the JS module `host`: a TCP socket (Node's `net`)
// for the MQTT client, the test driver's commands, and the clocks.
import net from "net";

export class JsSocket {
  // The few lines of JavaScript the board's TCP socket needs: read, write, close.
  constructor(sock) {
    this.sock = sock;
    this.chunks = [];
    this.waiting = null;
    this.ended = false;
    sock.on("data", (data) => this.push(new Uint8Array(data)));
    sock.on("close", () => { this.ended = true; this.push(null); });
    sock.on("error", () => {});
  }
  push(chunk) {
    if (chunk) this.chunks.push(chunk);
    if (this.waiting) { const wake = this.waiting; this.waiting = null; wake(); }
  }
  async read() {
    while (!this.chunks.length && !this.ended) await new Promise((r) => (this.waiting = r));
    return this.chunks.length ? this.chunks.shift() : new Uint8Array(0);
  }
  write(bytes) { if (!this.ended) this.sock.write(Buffer.from(bytes)); }
  close() { this.sock.destroy(); }
}

export function connect(host, port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.once("connect", () => resolve(new JsSocket(sock)));
    sock.once("error", (err) => reject(err));
  });
}

export class Commands {
  // The driver's JSON command lines, waited for one at a time by the harness.
  constructor() {
    this.lines = [];
    this.waiter = null;
  }
  push(line) {
    this.lines.push(line);
    if (this.waiter) { const wake = this.waiter; this.waiter = null; wake(); }
  }
  async next() {
    while (!this.lines.length) await new Promise((r) => (this.waiter = r));
    return this.lines.shift();
  }
}

export const clocks = {
  // A JS integer crosses into MicroPython as a 32-bit int: ticks wrap at 2**30 as on a board,
  // and the wall clock (ms since 1970, past 2**31) crosses as a string.
  ticks: () => Math.floor(performance.now()) % 2 ** 30,
  wall: () => String(Date.now()),
};

export class HostSockets {
  // The sockets of every interpreter, so a reset can close what the discarded one left open.
  constructor() {
    this.open = new Set();
  }
  hostModule(commands, alive) {
    return {
      connect: async (host, port) => {
        if (!alive()) throw new Error("the board was reset");
        const socket = await connect(host, port);
        this.open.add(socket);
        socket.sock.on("close", () => this.open.delete(socket));
        return socket;
      },
      nextCommand: () => commands.next(),
      heap: () => "0", // the benchmark runs on run_board.mjs, not here
      codeHeap: () => "0",
      ...clocks,
    };
  }
  closeAll() {
    for (const socket of this.open) socket.close();
    this.open.clear();
  }
}
