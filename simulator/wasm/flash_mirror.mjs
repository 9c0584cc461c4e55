// The board's flash as a host folder: copied into the interpreter's filesystem at boot, written
// back as a mirror (files deleted on the board are deleted in the folder) at reset and exit.
import fs from "fs";
import path from "path";

let corruptPath = null;
let corruptOff = false;

export function copyIn(FS, from, to) {
  FS.mkdirTree(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyIn(FS, source, to + "/" + entry.name);
    else FS.writeFile(to + "/" + entry.name, fs.readFileSync(source));
  }
}

function boardTree(FS, dir, rel, found) {
  for (const name of FS.readdir(dir)) {
    if (name === "." || name === "..") continue;
    const inside = dir + "/" + name;
    const relative = rel ? rel + "/" + name : name;
    if (FS.isDir(FS.stat(inside).mode)) {
      found.set(relative, null);
      boardTree(FS, inside, relative, found);
    } else found.set(relative, FS.readFile(inside));
  }
  return found;
}

function hostTree(dir, rel, found) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = rel ? rel + "/" + entry.name : entry.name;
    found.push([relative, entry.isDirectory()]);
    if (entry.isDirectory()) hostTree(path.join(dir, entry.name), relative, found);
  }
  return found;
}

export function mirrorOut(FS, from, to) {
  corruptOff = true; // the flash keeps what was written; only reading it back goes wrong
  let board;
  try {
    board = boardTree(FS, from, "", new Map());
  } finally {
    corruptOff = false;
  }
  for (const [relative, isDir] of hostTree(to, "", []).reverse()) {
    const kept = board.has(relative) && (board.get(relative) === null) === isDir;
    if (!kept) fs.rmSync(path.join(to, relative), { recursive: true, force: true });
  }
  for (const [relative, bytes] of board) {
    const target = path.join(to, relative);
    if (bytes === null) fs.mkdirSync(target, { recursive: true });
    else if (!fs.existsSync(target) || !fs.readFileSync(target).equals(Buffer.from(bytes)))
      fs.writeFileSync(target, bytes);
  }
}

// A failing flash for the installer's tests: every read of one file returns its first byte
// flipped, to MicroPython (hashlib, open().read()) and so to mpremote alike.
export function corruptReads(FS, filePath) {
  corruptPath = filePath;
  const probe = "/.corrupt-probe";
  FS.writeFile(probe, "x");
  const stream = FS.open(probe, "r");
  const ops = stream.stream_ops; // MEMFS's one table for every file
  FS.close(stream);
  FS.unlink(probe);
  if (ops.corrupting) return;
  const read = ops.read;
  ops.corrupting = true;
  ops.read = function (stream, buffer, offset, length, position) {
    const count = read.call(this, stream, buffer, offset, length, position);
    if (!corruptOff && position === 0 && count > 0 && FS.getPath(stream.node) === corruptPath)
      buffer[offset] ^= 0xff;
    return count;
  };
}

// os.statvfs() as a board's flash answers it: `bytes` in 4 KB blocks, less what the files under
// `root` take (whole blocks each). Emscripten's answer (2 GB free, whatever is written) is no
// flash anyone would install on.
export function flashSized(FS, root, bytes) {
  const block = 4096;
  const total = Math.floor(bytes / block);
  const usedBlocks = (dir) => {
    let used = 1; // the directory's own entry block
    for (const name of FS.readdir(dir)) {
      if (name === "." || name === "..") continue;
      const stat = FS.stat(dir + "/" + name);
      used += FS.isDir(stat.mode) ? usedBlocks(dir + "/" + name) : Math.ceil(stat.size / block);
    }
    return used;
  };
  FS.statfsNode = () => {
    const free = Math.max(0, total - usedBlocks(root));
    return { bsize: block, frsize: block, blocks: total, bfree: free, bavail: free,
      files: FS.nextInode, ffree: FS.nextInode - 1, fsid: 42, flags: 2, namelen: 255 };
  };
}
