/**
 * Run one benchmark function in a fresh Node process to get an honest peak
 * RSS for it, free of whatever the parent process loaded or allocated.
 *
 * The peak is Linux `VmHWM` of the child (/proc/self/status), which belongs
 * to the child's own exec'd image. NOT `process.resourceUsage().maxRSS`:
 * Linux carries ru_maxrss across fork+exec, so a child forked from a parent
 * with 600 MB resident reports maxRSS ≥ ~600 MB even if it never used more than
 * 50 MB (measured here; `maxRssBytes` is still returned for reference). Off
 * Linux `peakRssBytes` falls back to maxRSS and says so in `peakRssSource`.
 *
 * Usage (parent):
 *   const { result, memory } = await runInChild(
 *     new URL('./peers/tfjs.js', import.meta.url), 'trainTfjs', [opts]);
 *
 * The target module is imported *after* the baseline is taken, so
 * `memory.peakRssBytes - memory.rssAfterArgsBytes` approximates what the
 * framework (module code, wasm heap, tensors, JIT) added on top of a bare Node
 * process holding the inputs. Arguments and results travel with the 'advanced'
 * (structured clone) IPC serialization, so typed arrays arrive as typed arrays;
 * typed arrays of 1 MiB or more in the arguments (the data set) go through a
 * temporary file instead and are read back as one Buffer viewed in place —
 * deserialising 30 MB through IPC costs the child ~60–80 MB of extra RSS,
 * which would otherwise land in its peak.
 *
 * This file is both the parent-side API and the child entry point: it acts as
 * a child only when forked by `runInChild` (env flag + IPC channel present).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readVmHwmBytes } from './harness.js';

const CHILD_FLAG = 'GRADTAPE_BENCH_CHILD';

export interface ChildMemory {
  /** RSS of the child right after it started (Node itself). */
  rssAtStartBytes: number;
  /** RSS once the arguments were received, before importing the module. */
  rssAfterArgsBytes: number;
  /** Peak RSS of the child's own image (VmHWM), after the job. */
  peakRssBytes: number;
  peakRssSource: 'VmHWM' | 'maxRSS (may include the parent, see above)';
  /** getrusage ru_maxrss, for reference only: inherits the parent's RSS at fork on Linux. */
  maxRssBytes: number;
  /** `process.memoryUsage()` when the job returned. */
  rssAtEndBytes: number;
  heapUsedAtEndBytes: number;
  externalAtEndBytes: number;
  arrayBuffersAtEndBytes: number;
}

export interface ChildOutcome<T> {
  result: T;
  memory: ChildMemory;
  /** Wall time of the call inside the child (import excluded), ms. */
  callMs: number;
}

const FILE_THRESHOLD_BYTES = 1 << 20;

type TypedArrayName = 'Float32Array' | 'Float64Array' | 'Int32Array' | 'Uint32Array' | 'Int16Array' | 'Uint16Array' | 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray';

interface FileRef {
  $benchFile: string;
  type: TypedArrayName;
  length: number;
}

type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

const TYPED_CTORS: Record<TypedArrayName, { new (buf: ArrayBuffer, byteOffset: number, length: number): AnyTypedArray; BYTES_PER_ELEMENT: number }> = {
  Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
};

function isFileRef(v: unknown): v is FileRef {
  return typeof v === 'object' && v !== null && typeof (v as FileRef).$benchFile === 'string';
}

/** Replaces big typed arrays (deep) by file references written under `dir`. */
function offloadBigArrays(v: unknown, dir: string, counter: { n: number }): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const type = v.constructor.name as TypedArrayName;
    if (v.byteLength < FILE_THRESHOLD_BYTES || !(type in TYPED_CTORS)) return v;
    const file = path.join(dir, `arg${counter.n++}.bin`);
    writeFileSync(file, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    const ref: FileRef = { $benchFile: file, type, length: (v as AnyTypedArray).length };
    return ref;
  }
  if (Array.isArray(v)) return v.map((x) => offloadBigArrays(x, dir, counter));
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = offloadBigArrays(x, dir, counter);
    return o;
  }
  return v;
}

/** Inverse of offloadBigArrays, in the child: one read, viewed in place. */
function restoreBigArrays(v: unknown): unknown {
  if (isFileRef(v)) {
    const ctor = TYPED_CTORS[v.type];
    const buf = readFileSync(v.$benchFile);
    if (buf.byteOffset % ctor.BYTES_PER_ELEMENT === 0) return new ctor(buf.buffer as ArrayBuffer, buf.byteOffset, v.length);
    const copy = new Uint8Array(buf.byteLength);
    copy.set(buf);
    return new ctor(copy.buffer, 0, v.length);
  }
  if (Array.isArray(v)) return v.map(restoreBigArrays);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = restoreBigArrays(x);
    return o;
  }
  return v;
}

interface JobMessage {
  kind: 'job';
  moduleUrl: string;
  exportName: string;
  args: unknown[];
}

type ReplyMessage =
  | { kind: 'ok'; result: unknown; memory: ChildMemory; callMs: number }
  | { kind: 'error'; message: string; stack?: string };

export interface RunInChildOptions {
  /** Kill the child after this long (default 30 min). */
  timeoutMs?: number;
  /** Extra `node` flags for the child, e.g. `['--max-old-space-size=8192']`. */
  execArgv?: string[];
  /** Forward the child's stdout/stderr (default true). */
  inheritOutput?: boolean;
}

/**
 * Imports `moduleUrl` in a fresh child process, calls its export
 * `exportName(...args)` (awaiting a promise), and returns the result with the
 * child's memory figures. Rejects if the call throws or the child dies.
 */
export function runInChild<T>(moduleUrl: string | URL, exportName: string, args: unknown[], options: RunInChildOptions = {}): Promise<ChildOutcome<T>> {
  const url = moduleUrl instanceof URL ? moduleUrl.href : moduleUrl.startsWith('file:') ? moduleUrl : pathToFileURL(moduleUrl).href;
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-'));
  let sentArgs: unknown[];
  try {
    sentArgs = offloadBigArrays(args, tmpDir, { n: 0 }) as unknown[];
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw e;
  }
  return new Promise<ChildOutcome<T>>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, [CHILD_FLAG]: '1' },
      execArgv: options.execArgv ?? [],
      serialization: 'advanced',
      stdio: options.inheritOutput === false ? ['ignore', 'ignore', 'ignore', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rmSync(tmpDir, { recursive: true, force: true });
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`child job ${exportName} timed out after ${options.timeoutMs ?? 1_800_000} ms`)));
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 1_800_000);
    child.on('message', (msg: ReplyMessage) => {
      if (msg.kind === 'ok') finish(() => resolve({ result: msg.result as T, memory: msg.memory, callMs: msg.callMs }));
      else {
        const err = new Error(`child job ${exportName} failed: ${msg.message}`);
        if (msg.stack) err.stack = msg.stack;
        finish(() => reject(err));
      }
    });
    child.on('error', (err) => finish(() => reject(err)));
    child.on('close', (code, signal) => finish(() => reject(new Error(`child job ${exportName} exited early (code ${code}, signal ${signal})`))));
    const job: JobMessage = { kind: 'job', moduleUrl: url, exportName, args: sentArgs };
    child.send(job);
  });
}


function isChild(): boolean {
  return process.env[CHILD_FLAG] === '1' && typeof process.send === 'function';
}

async function childMain(): Promise<void> {
  const rssAtStartBytes = process.memoryUsage().rss;
  const send = (msg: ReplyMessage): Promise<void> =>
    new Promise<void>((res) => { process.send!(msg, undefined, undefined, () => res()); });
  process.once('message', (raw: unknown) => {
    void (async () => {
      const job = raw as JobMessage;
      try {
        const args = restoreBigArrays(job.args) as unknown[];
        const rssAfterArgsBytes = process.memoryUsage().rss;
        const mod = (await import(job.moduleUrl)) as Record<string, unknown>;
        const fn = mod[job.exportName];
        if (typeof fn !== 'function') throw new Error(`${job.moduleUrl} has no function export '${job.exportName}'`);
        const t0 = performance.now();
        const result: unknown = await (fn as (...a: unknown[]) => unknown)(...args);
        const callMs = performance.now() - t0;
        const m = process.memoryUsage();
        const maxRssBytes = process.resourceUsage().maxRSS * 1024;
        const hwm = readVmHwmBytes();
        const memory: ChildMemory = {
          rssAtStartBytes,
          rssAfterArgsBytes,
          peakRssBytes: hwm ?? maxRssBytes,
          peakRssSource: hwm !== null ? 'VmHWM' : 'maxRSS (may include the parent, see above)',
          maxRssBytes,
          rssAtEndBytes: m.rss,
          heapUsedAtEndBytes: m.heapUsed,
          externalAtEndBytes: m.external,
          arrayBuffersAtEndBytes: m.arrayBuffers,
        };
        await send({ kind: 'ok', result, memory, callMs });
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        await send({ kind: 'error', message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) });
      }
      process.disconnect();
      process.exit(0);
    })();
  });
}

if (isChild()) void childMain();
