/**
 * Where a training step's time goes, from a V8 CPU profile (what `Profiler.stop` returns, the
 * `.cpuprofile` format): the self time of every sample, in buckets named after what the
 * performance work distinguishes. `npm run bench -- --profile` (bench/profile.ts) records the
 * profiles; this file only reads them, so a test can feed it a small synthetic one.
 *
 * How a sample is bucketed, from its innermost frame:
 * - WebAssembly frames are named `wasm-function[N]` by V8 (the shipped kernels carry no name
 *   section), N in the module's function index space; {@link wasmFunctionNames} names them from
 *   the name section when there is one, else from the exports. An internal function (gradtape's
 *   micro-kernel and packing are not exported) takes the name of its nearest named WebAssembly
 *   caller in the sample's stack, so `kernel4x8` under `gemm` counts as the product.
 * - JavaScript frames are split by the source line the samples hit (V8's `positionTicks`): a
 *   TypedArray builtin runs inside its caller's frame, so a line copying out of the kernels'
 *   memory (`heap.slice(…)`, `x.set(heap.subarray(…))`) or into it (`heap.set(…)`) is what tells
 *   the copies apart from the code around them. The rest goes by file: the bench's own loop (batch
 *   assembly) and each folder of gradtape's source.
 * - `(garbage collector)` is the collector; `(program)` and frames without a script (V8's
 *   builtins, the JS-to-WebAssembly call wrappers) are the engine. Samples under `node:inspector`
 *   (the profiler being started or stopped) and `(idle)` are left out, and so is the part of a
 *   gap between two samples beyond 4× the usual one (the thread was not running).
 */

/** The part of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  /** The node id of each sample's innermost frame. */
  samples: number[];
  /** Microseconds from the previous sample to this one. */
  timeDeltas: number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
  /** Samples per 1-based source line of this node's function, on this call path. */
  positionTicks?: { line: number; ticks: number }[];
}

/** The buckets, in the order the table lists them (source folders follow, largest first). */
export const BUCKETS = {
  matmul: 'matmul micro-kernel and packing (WebAssembly)',
  wasm: 'other WebAssembly kernels (SGD, dense epilogue, non-finite check)',
  copyOut: 'copies out of WebAssembly memory (heap.slice, set(heap.subarray))',
  copyIn: 'copies into WebAssembly memory (heap.set)',
  gc: 'garbage collection',
  batch: "batch assembly (the bench's loop)",
  engine: 'engine: builtins, JS-to-WebAssembly wrappers, (program)',
} as const;

/** Exports (or name-section names) that are the matrix product. */
const PRODUCT = /(^|[/$.])(matmul|gemm|workspaceBytes|kernel\d+x\d+|pack[AB])$/;
const COPY_OUT = /\bheap\w*\.slice\(|\.set\(\s*[\w.]*heap\w*\.subarray\(/;
const COPY_IN = /\bheap\w*\.set\(/;

/** Time in one bucket. */
export interface BucketTime {
  bucket: string;
  ms: number;
}

export interface ProfileBreakdown {
  /** Buckets with time in them, in table order. */
  buckets: BucketTime[];
  /** Sum of the buckets (the samples not left out). */
  totalMs: number;
  /** Time left out as gaps between samples: what the deltas had beyond `maxGapUs`. */
  gapMs: number;
  /** The longest time one sample counted for, in µs. */
  maxGapUs: number;
}

export interface BucketOptions {
  /** Names of a WebAssembly module's functions by index (see {@link wasmFunctionNames}), by script url. */
  wasmNames?: ReadonlyMap<string, readonly (string | undefined)[]>;
  /** The text of a 1-based line of the script at `url`, or undefined when it cannot be read. */
  sourceLine?: (url: string, line: number) => string | undefined;
  /**
   * The most one sample counts for, in µs; default 4× the median time between samples. A longer
   * gap is time the thread was not running (on a busy machine the scheduler gave its core to
   * another process), which the sample's frame did not spend.
   */
  maxGapUs?: number;
}

/** Buckets a profile's self time (see the file comment for the rules). */
export function bucketProfile(profile: CpuProfile, o: BucketOptions = {}): ProfileBreakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sortedDeltas = profile.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const maxGapUs = o.maxGapUs ?? 4 * (sortedDeltas[sortedDeltas.length >> 1] ?? 0);
  const selfUs = new Map<number, number>();
  let gapUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.min(delta, maxGapUs));
    gapUs += Math.max(0, delta - maxGapUs);
  });

  const times = new Map<string, number>();
  const add = (bucket: string, us: number) => times.set(bucket, (times.get(bucket) ?? 0) + us);
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const ancestors = function* () {
      for (let p = parent.get(id); p !== undefined; p = parent.get(p)) yield byId.get(p)!;
    };
    if ([...ancestors()].some((a) => a.callFrame.url === 'node:inspector')) continue;
    const { functionName, url } = node.callFrame;
    if (url.startsWith('wasm://')) {
      add(wasmBucket(node, ancestors(), o.wasmNames), us);
    } else if (url === '') {
      if (functionName === '(idle)' || functionName === '(root)') continue;
      add(functionName === '(garbage collector)' ? BUCKETS.gc : BUCKETS.engine, us);
    } else {
      const rest = fileBucket(url);
      const ticks = node.positionTicks ?? [];
      const total = ticks.reduce((s, t) => s + t.ticks, 0);
      if (total === 0) add(rest, us);
      for (const t of ticks) {
        const text = o.sourceLine?.(url, t.line);
        const bucket = text === undefined ? rest : COPY_OUT.test(text) ? BUCKETS.copyOut : COPY_IN.test(text) ? BUCKETS.copyIn : rest;
        add(bucket, (us * t.ticks) / total);
      }
    }
  }
  const fixed: string[] = Object.values(BUCKETS);
  const buckets = [...times]
    .map(([bucket, us]) => ({ bucket, ms: us / 1000 }))
    .sort((a, b) => rank(a.bucket, fixed) - rank(b.bucket, fixed) || b.ms - a.ms);
  return { buckets, totalMs: buckets.reduce((s, b) => s + b.ms, 0), gapMs: gapUs / 1000, maxGapUs };
}

function rank(bucket: string, fixed: string[]): number {
  const i = fixed.indexOf(bucket);
  return i < 0 ? fixed.length : i;
}

function wasmBucket(node: CpuProfileNode, ancestors: Iterable<CpuProfileNode>, names: BucketOptions['wasmNames']): string {
  const nameOf = (n: CpuProfileNode) => {
    const index = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName);
    return index === null ? n.callFrame.functionName : names?.get(n.callFrame.url)?.[Number(index[1])];
  };
  let name = nameOf(node);
  for (const a of ancestors) {
    if (name !== undefined || !a.callFrame.url.startsWith('wasm://')) break;
    name = nameOf(a);
  }
  return name !== undefined && PRODUCT.test(name) ? BUCKETS.matmul : BUCKETS.wasm;
}

/** The bucket of JavaScript outside the copies: the bench's loop, or gradtape's source folder. */
function fileBucket(url: string): string {
  const src = /\/(?:dist|src)\/([^/]+)\//.exec(url);
  if (src !== null) return `JavaScript (allocation, tape, glue): src/${src[1]}`;
  if (/\/bench\//.test(url)) return BUCKETS.batch;
  if (url.startsWith('node:')) return 'Node internals';
  return /\/node_modules\//.test(url) ? 'dependencies (node_modules)' : 'other scripts';
}

/**
 * Each function's name by index in a WebAssembly module's function index space (imports
 * first): from the `name` custom section where present, else the export name, else undefined.
 */
export function wasmFunctionNames(bytes: Uint8Array): (string | undefined)[] {
  let pos = 8; // magic and version
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  };
  const text = () => {
    const n = u32();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const exported: (string | undefined)[] = [];
  const named: (string | undefined)[] = [];
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = u32();
    const end = pos + size;
    if (id === 7) {
      for (let count = u32(); count > 0; count--) {
        const name = text();
        const kind = bytes[pos++]!;
        const index = u32();
        if (kind === 0) exported[index] ??= name;
      }
    } else if (id === 0 && text() === 'name') {
      while (pos < end) {
        const sub = bytes[pos++]!;
        const subEnd = u32() + pos;
        if (sub === 1) for (let count = u32(); count > 0; count--) named[u32()] = text();
        pos = subEnd;
      }
    }
    pos = end;
  }
  const length = Math.max(exported.length, named.length);
  return Array.from({ length }, (_, i) => named[i] ?? exported[i]);
}

/** The breakdown as a table: share of the total and mean milliseconds per step. */
export function formatBreakdown(b: ProfileBreakdown, steps: number): string {
  const rows = b.buckets.map((x) => [x.bucket, `${((100 * x.ms) / b.totalMs).toFixed(1)}%`, (x.ms / steps).toFixed(3)]);
  rows.push(['total (samples kept)', '100.0%', (b.totalMs / steps).toFixed(3)]);
  const header = ['where the time goes', 'share', 'ms/step (mean)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const gaps = `left out: ${(b.gapMs / steps).toFixed(3)} ms/step of gaps between samples beyond ${b.maxGapUs.toFixed(0)} µs (the thread not running)`;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), gaps].join('\n');
}
