/**
 * Atomic file replacement on Node: write a temporary file in the same folder, flush it to disk,
 * rename it over the target, flush the folder. A crash at any point leaves the old file or the
 * new one, never a mix. Node's modules are reached through `process.getBuiltinModule`, so the
 * package still loads in a browser.
 * @module
 */
import { builtin } from "../util/node.js";

type Fs = typeof import("node:fs");
type Path = typeof import("node:path");

/** @internal The steps of a save, in order, as {@link saveHooks} sees them. */
export type SaveStep = "tmp-written" | "tmp-synced" | "renamed" | "cleaned";

/**
 * @internal Test hooks: `afterStep` runs after each step of each file written, so a test can
 * fail (or kill the process) at an exact point of a save.
 */
export const saveHooks: { afterStep?: (step: SaveStep, file: string) => void } = {};

let counter = 0;

/** @internal Node's `fs` and `path`, or an error naming the caller outside Node. */
export function nodeFs(where: string): { fs: Fs; path: Path } {
  const hint = "in a browser, use toMemory / fromMemory";
  return { fs: builtin<Fs>("node:fs", where, hint), path: builtin<Path>("node:path", where, hint) };
}

/** @internal The suffix of this process's temporary files: `.tmp-<pid>-<n>`. */
function tmpSuffix(): string {
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  return `.tmp-${pid}-${Date.now().toString(36)}${(counter++).toString(36)}`;
}

/** @internal True for a name this module gives its temporary files. */
export function isTmpName(name: string): { pid: number } | undefined {
  const m = /\.tmp-(\d+)-[0-9a-z]+$/.exec(name);
  return m === null ? undefined : { pid: Number(m[1]) };
}

/**
 * @internal Replaces `dir/name` with `data` atomically: temporary file, fsync, rename, fsync of
 * the folder (where the platform allows opening one). On failure the temporary file is removed
 * and the target is as it was. The caller reports the `renamed` step.
 */
export function writeFileAtomic(fs: Fs, path: Path, dir: string, name: string, data: Uint8Array): void {
  const target = path.join(dir, name);
  const tmp = target + tmpSuffix();
  let fd: number | undefined = fs.openSync(tmp, "wx");
  try {
    let written = 0;
    while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
    saveHooks.afterStep?.("tmp-written", name);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    saveHooks.afterStep?.("tmp-synced", name);
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(fs, dir);
}

/** @internal Flushes a folder's entries (a rename) to disk; a no-op where folders cannot be opened (Windows). */
export function syncDir(fs: Fs, dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder; its renames are durable enough for NTFS's journal.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** @internal True when a process with this id runs (or cannot be signalled, so may). */
export function processAlive(pid: number): boolean {
  const proc = (globalThis as { process?: { kill?: (pid: number, signal: number) => void; pid?: number } }).process;
  if (pid === proc?.pid) return true;
  try {
    proc?.kill?.(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** What Node's file-system error codes mean, for messages that say the real cause. */
const CAUSES: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of the path is a file, not a folder",
  ELOOP: "too many levels of symbolic links (a symlink loop?)",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exhausted",
  ENAMETOOLONG: "the path is too long",
};

/** @internal The cause of a file-system error as "CODE (what it means)", or its message. */
export function fsCause(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && Object.hasOwn(CAUSES, code)) return `${code} (${CAUSES[code]})`;
  return e instanceof Error ? e.message : String(e);
}

const hasCode = (e: unknown): boolean => typeof (e as { code?: unknown } | null)?.code === "string";

/**
 * @internal Runs `write`, turning a file-system error (EACCES, EROFS, ENOSPC, …) into one that
 * names `where`, the file and the cause, and says that what was there is untouched (the writes
 * are atomic). Other errors pass through.
 */
export function explainWrite<T>(where: string, target: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (!hasCode(e)) throw e;
    throw new Error(`${where}: writing ${target} failed, so what was there before (if anything) is untouched: ${fsCause(e)}`, { cause: e });
  }
}

/** @internal Reads with `read`, turning a file-system error into one naming `where`, the file and the cause. */
export function explainRead<T>(where: string, target: string, read: () => T, make: (message: string) => Error = (m) => new Error(m)): T {
  try {
    return read();
  } catch (e) {
    if (!hasCode(e)) throw e;
    const error = make(`${where}: cannot read ${target}: ${fsCause(e)}`);
    (error as { cause?: unknown }).cause = e;
    throw error;
  }
}

/**
 * @internal Creates `folder` and its missing parents, one level at a time: Node's own
 * `mkdirSync(..., { recursive: true })` never returns under some paths (in /proc, say), and it
 * reports a read-only parent as ENOENT.
 * @throws Error naming `where`, the path and the cause.
 */
export function makeFolder(where: string, fs: Fs, path: Path, folder: string): void {
  const missing: string[] = [];
  for (let p = path.resolve(folder); ; p = path.dirname(p)) {
    let stat: import("node:fs").Stats | undefined;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "ENOENT") throw new Error(`${where}: cannot create the folder ${folder}: ${p}: ${fsCause(e)}`);
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw new Error(`${where}: cannot create the folder ${folder}: ${p} is a file, not a folder`);
      break;
    }
    missing.push(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      fs.mkdirSync(p);
    } catch (e) {
      if ((e as { code?: unknown }).code === "EEXIST" && fs.statSync(p).isDirectory()) continue;
      throw new Error(`${where}: cannot create the folder ${folder}: ${p}: ${fsCause(e)}`);
    }
  }
}
