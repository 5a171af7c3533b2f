/**
 * Shared, framework-independent benchmark harness.
 *
 * Everything here is plain TypeScript on typed arrays so that gradtape and its
 * peers (TF.js cpu / wasm, see `peers/`) start from the *same* initial weights,
 * see the *same* data in the *same* batch order, and are reported in the same
 * table.
 *
 * Conventions shared by every peer:
 * - Weights: `Float32Array[]`, layer by layer `[kernel, bias, kernel, bias, …]`;
 *   kernel is `[in, out]` row-major (y = x·W + b), bias is `[out]`.
 * - Images: `Float32Array` of `numSamples * inputSize` values in [0, 1];
 *   labels: `Int32Array` of `numSamples` class ids.
 * - Batch order: `Int32Array` of `steps * batchSize` sample indices; step `s`
 *   uses indices `[s*batchSize, (s+1)*batchSize)`. `steps` counts *all* steps,
 *   including the warm-up steps (which are run but not timed), so two
 *   frameworks given the same order end at comparable weights.
 * - Optimizer: SGD lr 0.1, momentum 0.9, TF.js/PyTorch convention:
 *   `v = momentum*v + g; w -= lr*v` (no dampening, no Nesterov).
 * - Loss: mean softmax cross-entropy on logits over the batch.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import seedrandom from 'seedrandom';

// ---------------------------------------------------------------------------
// Workload definitions
// ---------------------------------------------------------------------------

export const LEARNING_RATE = 0.1;
export const MOMENTUM = 0.9;
export const INPUT_SIZE = 784;
export const NUM_CLASSES = 10;

export interface MlpWorkload {
  name: string;
  layerSizes: number[];
  batchSize: number;
}

export const W1: MlpWorkload = { name: 'W1 mlp 784-128-10', layerSizes: [784, 128, 10], batchSize: 64 };
export const W2: MlpWorkload = { name: 'W2 mlp 784-512-256-10', layerSizes: [784, 512, 256, 10], batchSize: 128 };

/** fp32 matmul shapes (m, k, n): C[m,n] = A[m,k]·B[k,n]. */
export const MATMUL_SHAPES: ReadonlyArray<readonly [number, number, number]> = [
  [64, 784, 128],
  [128, 512, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
];

/** W1-like scaling runs: batch sweep at hidden 128, then width sweep at batch 64. */
export const SCALING_WORKLOADS: MlpWorkload[] = [
  { name: 'scale b16 h128', layerSizes: [784, 128, 10], batchSize: 16 },
  { name: 'scale b64 h128', layerSizes: [784, 128, 10], batchSize: 64 },
  { name: 'scale b256 h128', layerSizes: [784, 128, 10], batchSize: 256 },
  { name: 'scale b64 h512', layerSizes: [784, 512, 10], batchSize: 64 },
  { name: 'scale b64 h1024', layerSizes: [784, 1024, 10], batchSize: 64 },
];

/** Workload name of a matmul row, shared by all frameworks so rows merge. */
export function matmulWorkloadName(m: number, k: number, n: number): string {
  return `matmul ${m}x${k}x${n}`;
}

/** Metric names shared by all frameworks so rows merge. */
export const METRIC = {
  train: { metric: 'train (median step)', unit: 'samples/s', higherIsBetter: true },
  matmul: { metric: 'fp32 matmul (median)', unit: 'GFLOP/s', higherIsBetter: true },
  peakRss: { metric: 'peak RSS (own process)', unit: 'MiB', higherIsBetter: false },
} as const;

/** Options every peer's `train*` function accepts (gradtape's should too). */
export interface TrainOptions {
  layerSizes: number[];
  batchSize: number;
  /** Total steps, warm-up included; `batchOrder.length === steps * batchSize`. */
  steps: number;
  /** The first `warmupSteps` steps are run but excluded from timing. */
  warmupSteps: number;
  /** `[W0, b0, W1, b1, …]`, W row-major `[in, out]`, b `[out]`. Not mutated. */
  initialWeights: Float32Array[];
  images: Float32Array;
  labels: Int32Array;
  batchOrder: Int32Array;
}

export interface TrainResult {
  /** batchSize * timedSteps / (sum of timed step times). */
  samplesPerSec: number;
  /** Wall time of each timed step (batch assembly + forward + backward + update + loss read-back). */
  msPerStep: number[];
  /** Loss of the last step (computed on its batch before its update). */
  finalLoss: number;
  /** Loss of every step, warm-up included. */
  losses: number[];
  /** Weights after all steps, same layout as `initialWeights`. */
  finalWeights: Float32Array[];
}

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

export function median(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const s = Array.from(xs).sort((a, b) => a - b);
  const mid = n >> 1;
  return n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let t = 0;
  for (let i = 0; i < xs.length; i++) t += xs[i]!;
  return t / xs.length;
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const s = Array.from(xs).sort((a, b) => a - b);
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Samples/s from the median step time — robust to GC pauses and outliers. */
export function medianSamplesPerSec(msPerStep: ArrayLike<number>, batchSize: number): number {
  return (batchSize * 1000) / median(msPerStep);
}

export function gflops(m: number, k: number, n: number, ms: number): number {
  return (2 * m * k * n) / (ms * 1e6);
}

/** Largest |a-b| over two weight lists of equal layout. */
export function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: ${a.length} vs ${b.length} arrays`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) throw new Error(`maxAbsDiff: array ${i} has length ${x.length} vs ${y.length}`);
    for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j]! - y[j]!));
  }
  return m;
}

// ---------------------------------------------------------------------------
// Seeded initial weights, batch order and data
// ---------------------------------------------------------------------------

export type Rng = () => number;

export function makeRng(seed: string | number): Rng {
  return seedrandom(String(seed));
}

/**
 * Glorot-uniform kernels (limit = sqrt(6 / (fanIn + fanOut))) and zero biases,
 * `[W0, b0, W1, b1, …]`, W row-major `[in, out]`. Deterministic in `seed`.
 */
export function glorotUniformWeights(layerSizes: number[], seed: string | number = 42): Float32Array[] {
  if (layerSizes.length < 2) throw new Error('layerSizes needs at least input and output sizes');
  const rng = makeRng(`glorot:${seed}`);
  const out: Float32Array[] = [];
  for (let l = 0; l + 1 < layerSizes.length; l++) {
    const fanIn = layerSizes[l]!;
    const fanOut = layerSizes[l + 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng() - 1) * limit;
    out.push(w, new Float32Array(fanOut));
  }
  return out;
}

/** Deep copy of a weight list (peers must not share buffers). */
export function cloneWeights(ws: Float32Array[]): Float32Array[] {
  return ws.map((w) => w.slice());
}

/**
 * Sample indices for `steps` batches: successive seeded Fisher–Yates
 * permutations of `0..numSamples-1` (sampling without replacement within an
 * epoch), concatenated and cut to `steps * batchSize`.
 */
export function makeBatchOrder(numSamples: number, batchSize: number, steps: number, seed: string | number = 1): Int32Array {
  if (numSamples <= 0) throw new Error('makeBatchOrder: no samples');
  const rng = makeRng(`order:${seed}`);
  const total = steps * batchSize;
  const order = new Int32Array(total);
  const perm = new Int32Array(numSamples);
  let filled = 0;
  while (filled < total) {
    for (let i = 0; i < numSamples; i++) perm[i] = i;
    for (let i = numSamples - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    const take = Math.min(numSamples, total - filled);
    order.set(perm.subarray(0, take), filled);
    filled += take;
  }
  return order;
}

export interface Dataset {
  images: Float32Array;
  labels: Int32Array;
  numSamples: number;
  inputSize: number;
  source: string;
}

/**
 * MNIST-like synthetic data: each class has a random sparse "stroke" prototype;
 * samples are the prototype plus noise, clipped to [0, 1]. Learnable, so loss
 * curves are meaningful, and fully determined by `seed`.
 */
export function syntheticMnist(numSamples: number, seed: string | number = 7, inputSize = INPUT_SIZE): Dataset {
  const rng = makeRng(`data:${seed}`);
  // Prototypes share a common background so classes overlap; per-sample
  // intensity, pixel dropout and noise keep the task from being trivial.
  const common = new Float32Array(inputSize);
  for (let i = 0; i < inputSize; i++) common[i] = rng() < 0.15 ? rng() : 0;
  const protos: Float32Array[] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const p = new Float32Array(inputSize);
    for (let i = 0; i < inputSize; i++) p[i] = rng() < 0.1 ? rng() : common[i]!;
    protos.push(p);
  }
  const images = new Float32Array(numSamples * inputSize);
  const labels = new Int32Array(numSamples);
  for (let s = 0; s < numSamples; s++) {
    const c = Math.floor(rng() * NUM_CLASSES);
    labels[s] = c;
    const p = protos[c]!;
    const base = s * inputSize;
    const intensity = 0.3 + 0.7 * rng();
    for (let i = 0; i < inputSize; i++) {
      const v = rng() < 0.3 ? 0 : p[i]! * intensity + (rng() - 0.5) * 0.8;
      images[base + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return { images, labels, numSamples, inputSize, source: `synthetic(seed=${seed})` };
}

/**
 * The real digits shipped by the `mnist` package (≈10k 28×28 images, values
 * already in [0, 1]), read straight from its JSON files (no global state, no
 * Math.random). Samples are ordered by digit; shuffle through the batch order.
 */
export function loadMnistDigits(maxPerDigit = Infinity): Dataset {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perDigit: Float32Array[] = [];
  let total = 0;
  for (let d = 0; d < NUM_CLASSES; d++) {
    const raw = JSON.parse(readFileSync(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    const count = Math.min(maxPerDigit, Math.floor(raw.data.length / INPUT_SIZE));
    const arr = Float32Array.from(raw.data.slice(0, count * INPUT_SIZE));
    perDigit.push(arr);
    total += count;
  }
  const images = new Float32Array(total * INPUT_SIZE);
  const labels = new Int32Array(total);
  let s = 0;
  for (let d = 0; d < NUM_CLASSES; d++) {
    const arr = perDigit[d]!;
    images.set(arr, s * INPUT_SIZE);
    const count = arr.length / INPUT_SIZE;
    labels.fill(d, s, s + count);
    s += count;
  }
  return { images, labels, numSamples: total, inputSize: INPUT_SIZE, source: 'mnist package digits' };
}

// ---------------------------------------------------------------------------
// Timing helpers
// ---------------------------------------------------------------------------

export function nowMs(): number {
  return performance.now();
}

/** Runs `fn` `warmup` times untimed, then `repeats` times timed; returns ms per run. */
export async function timeRuns(fn: () => unknown | Promise<unknown>, repeats: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Memory snapshots
// ---------------------------------------------------------------------------

export interface MemSnapshot {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /**
   * Peak RSS of this process image since start or the last `resetPeakRss()`:
   * Linux `VmHWM` from /proc/self/status. Null where that isn't available.
   */
  peakRssBytes: number | null;
  /**
   * `process.resourceUsage().maxRSS` in bytes. CAUTION: on Linux this is NOT
   * this program's own peak — ru_maxrss survives fork+exec, so a child forked
   * from a 600 MB parent reports ≥ ~600 MB (and `npm run` children inherit
   * npm's RSS). Prefer `peakRssBytes`.
   */
  maxRssBytes: number;
}

/** Peak resident memory of this process (Linux VmHWM), or null where /proc is not there. */
export function readVmHwmBytes(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Peak RSS (VmHWM) of this process since start / last reset, or null off Linux. */
export function peakRssBytes(): number | null {
  return readVmHwmBytes();
}

/**
 * Resets the peak-RSS mark to the current RSS (Linux: writes `5` to
 * /proc/self/clear_refs), so the next `peakRssBytes()` is the peak of what ran
 * in between — per-phase peaks in one process. Returns false if unsupported.
 */
export function resetPeakRss(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export function memSnapshot(): MemSnapshot {
  const m = process.memoryUsage();
  return {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
    arrayBuffersBytes: m.arrayBuffers,
    peakRssBytes: readVmHwmBytes(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024, // maxRSS is in KiB
  };
}

// ---------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------

/** One row of the report: one metric of one workload, measured by several frameworks. */
export interface Measurement {
  workload: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  /** framework name → value (null/undefined = not measured / failed). */
  values: Record<string, number | null | undefined>;
  note?: string;
}

export interface BenchReport {
  meta: Record<string, string | number | boolean>;
  measurements: Measurement[];
}

export function machineMeta(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
    date: new Date().toISOString(),
  };
}

/** Compact human number: 3 significant digits, thousands separators for big ones. */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(3);
}

export function fmtBytes(b: number | null | undefined): string {
  if (b === null || b === undefined || !Number.isFinite(b)) return '—';
  const mib = b / 2 ** 20;
  return `${mib >= 100 ? mib.toFixed(0) : mib.toFixed(1)} MiB`;
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/**
 * Fixed-width table. One value column per framework, then one ratio column
 * `baseline/peer` per peer. For higher-is-better metrics a ratio > 1 means the
 * baseline (gradtape) wins; for lower-is-better metrics (ms, bytes) a ratio < 1
 * means it wins — the `dir` column says which (`↑` / `↓`).
 */
export function formatTable(measurements: Measurement[], frameworks: string[], baseline = 'gradtape'): string {
  const peers = frameworks.filter((f) => f !== baseline);
  const hasBaseline = frameworks.includes(baseline);
  const header = ['workload', 'metric', 'unit', 'dir', ...frameworks, ...(hasBaseline ? peers.map((p) => `${baseline}/${p}`) : [])];
  const rows: string[][] = measurements.map((m) => [
    m.workload,
    m.metric,
    m.unit,
    m.higherIsBetter ? '↑' : '↓',
    ...frameworks.map((f) => fmtNum(m.values[f])),
    ...(hasBaseline ? peers.map((p) => { const r = ratio(m.values[baseline], m.values[p]); return r === null ? '—' : `${r.toFixed(2)}x`; }) : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const leftCols = 4;
  const line = (cells: string[]) => cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sep, ...rows.map(line)].join('\n');
}

export interface BenchArgs {
  json: boolean;
  quick: boolean;
  runs: number;
  /** Only the MLP and matmul rows, or only the CNN rows (default: all). */
  only: 'mlp' | 'cnn' | undefined;
  /** Profile W1 and W2 training steps instead of benchmarking (bench/profile.ts). */
  profile: boolean;
  /** Print {@link BENCH_USAGE} and stop. */
  help: boolean;
}

/** What `npm run bench -- --help` prints. */
export const BENCH_USAGE = `npm run bench [-- flags]: gradtape against TensorFlow.js (cpu, wasm) and, where python3 imports torch, PyTorch on 1 and 2 threads

  npm run bench                 full run (about 6 minutes on 2 cores)
  npm run bench -- --quick      fewer steps, a smoke test
  npm run bench -- --json       machine-readable report on stdout
  npm run bench -- --runs=3     repeat and report the median of each cell
  npm run bench -- --only=cnn   just the CNN rows (--only=mlp: just the MLP and matmul rows)
  npm run bench -- --profile    where a W1 and a W2 training step spend their time: 1,000 W1 and
                                300 W2 steps under V8's profiler, self time in buckets, % and
                                ms/step (also: npm run profile; with --quick a quarter of the
                                steps, with --json as JSON)
  npm run bench -- --help       this text

Environment: GRADTAPE_BENCH_PYTHON picks the python that runs the PyTorch peer.`;

export function parseBenchArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const args: BenchArgs = { json: false, quick: false, runs: 1, only: undefined, profile: false, help: false };
  for (const a of argv) {
    if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (/^--runs=[1-9]\d*$/.test(a)) args.runs = Number.parseInt(a.slice(7), 10);
    else if (a === '--only=cnn' || a === '--only=mlp') args.only = a.slice(7) as 'cnn' | 'mlp';
    else throw new Error(`bench: unknown argument ${JSON.stringify(a)}; expected --quick, --json, --runs=N (N a positive integer), --only=cnn|mlp, --profile or --help`);
  }
  return args;
}

/**
 * Merges measurement lists from several frameworks: rows with the same
 * (workload, metric) get their `values` combined; order of first appearance.
 */
export function mergeMeasurements(...lists: Measurement[][]): Measurement[] {
  const byKey = new Map<string, Measurement>();
  for (const list of lists) {
    for (const m of list) {
      const key = `${m.workload}\u0000${m.metric}`;
      const prev = byKey.get(key);
      if (prev) {
        Object.assign(prev.values, m.values);
        if (m.note) prev.note = prev.note ? `${prev.note}; ${m.note}` : m.note;
      } else {
        byKey.set(key, { ...m, values: { ...m.values } });
      }
    }
  }
  return [...byKey.values()];
}

/** Prints either the table (plus notes) or, with `--json`, the report as JSON on stdout. */
export function printReport(report: BenchReport, frameworks: string[], args: Pick<BenchArgs, 'json'>, baseline = 'gradtape'): void {
  if (args.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const metaLine = Object.entries(report.meta).map(([k, v]) => `${k}=${v}`).join('  ');
  process.stdout.write(`${metaLine}\n\n${formatTable(report.measurements, frameworks, baseline)}\n`);
  const notes = report.measurements.filter((m) => m.note);
  if (notes.length > 0) process.stdout.write('\n' + notes.map((m) => `* ${m.workload} / ${m.metric}: ${m.note}`).join('\n') + '\n');
}
