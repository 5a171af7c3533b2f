/**
 * TensorFlow.js peer for `npm run bench`: the same MLP training steps and fp32
 * matmuls as gradtape, on the TF.js `cpu` (plain JS) and `wasm` (XNNPACK,
 * SIMD, single-threaded in Node) backends. Independent of gradtape.
 *
 * Training is a custom loop, the fastest idiomatic one:
 *   `optimizer.minimize(() => loss, true, vars)` with `tf.train.momentum(0.1, 0.9)`,
 *   dense layers as `tf.fused.matMul({a, b, bias, activation})` (what
 *   `tf.layers.dense` runs), loss `tf.losses.softmaxCrossEntropy(oneHot, logits)`
 *   with `tf.oneHot` of the int labels.
 *
 * Pitfalls handled here:
 * - The cpu backend prints a "install tfjs-node" banner on first use in Node;
 *   `tf.enableProdMode()` silences it (PROD only gates warnings and
 *   deprecation messages in tfjs-core 4.22, no kernel behaviour).
 * - The wasm backend needs `setWasmPaths` *before* its first initialisation;
 *   we point it at the folder of the resolved package entry (a plain path with
 *   a trailing separator; a `file://` URL also works in Node).
 * - Multithreaded wasm is disabled by TF.js itself under Node
 *   (`WASM_HAS_MULTITHREAD_SUPPORT` is forced false when `IS_NODE`), so the
 *   wasm numbers are single-threaded SIMD.
 * - Switching backends in one process works: backends stay registered and
 *   initialised; every run creates and disposes its own tensors.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { runInChild } from '../child.js';
import {
  LEARNING_RATE,
  MATMUL_SHAPES,
  METRIC,
  MOMENTUM,
  W1,
  W2,
  matmulWorkloadName,
  NUM_CLASSES,
  SCALING_WORKLOADS,
  glorotUniformWeights,
  makeBatchOrder,
  median,
  memSnapshot,
  resetPeakRss,
  type MemSnapshot,
  type Measurement,
  type MlpWorkload,
  type TrainOptions,
  type TrainResult,
} from '../harness.js';

export type TfjsBackend = 'cpu' | 'wasm';

let wasmPathsSet = false;

/** Folder holding `tfjs-backend-wasm*.wasm`, with a trailing separator. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** Makes `backend` the active TF.js backend (initialising it once) and returns `tf`. */
export async function setupTfjs(backend: TfjsBackend): Promise<typeof tf> {
  if (!tf.env().getBool('PROD')) tf.enableProdMode();
  if (backend === 'wasm' && !wasmPathsSet) {
    setWasmPaths(wasmDistDir());
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`TF.js backend '${backend}' failed to initialise`);
  }
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`TF.js backend is '${tf.getBackend()}', wanted '${backend}'`);
  return tf;
}

/** Facts about the TF.js setup worth printing next to the numbers. */
export function tfjsInfo(): Record<string, string | boolean> {
  const env = tf.env();
  const info: Record<string, string | boolean> = {
    tfjsVersion: tf.version.tfjs,
    backend: tf.getBackend(),
    IS_NODE: env.getBool('IS_NODE'),
    PROD: env.getBool('PROD'),
  };
  if (tf.getBackend() === 'wasm') {
    info['WASM_HAS_SIMD_SUPPORT'] = env.getBool('WASM_HAS_SIMD_SUPPORT');
    info['WASM_HAS_MULTITHREAD_SUPPORT'] = env.getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  return info;
}

/**
 * Size of the wasm backend's linear memory in bytes (it only grows, so this is
 * the high-water mark of the wasm heap), or null if the backend was never
 * initialised.
 */
export function wasmHeapBytes(): number | null {
  const be = tf.engine().registry['wasm'] as unknown as { wasm?: { HEAPU8?: Uint8Array } | null } | undefined;
  const heap = be?.wasm?.HEAPU8;
  return heap ? heap.buffer.byteLength : null;
}

/**
 * In-process memory figures of one training run. How honest they are:
 * - `after.peakRssBytes` (Linux VmHWM, reset at the start of the run) is the
 *   whole process's peak RSS during the run: it includes Node, the data set,
 *   every framework already loaded and allocator pages kept from earlier runs
 *   (which this run may reuse, so `after.peakRssBytes - before.rssBytes`
 *   *under*-states what a fresh process would need). For a per-framework peak
 *   run the job in a child process (`../child.ts`).
 * - `maxRssBytes` in the snapshots is ru_maxrss: process-lifetime and, on
 *   Linux, inherited across fork+exec (e.g. from npm) — context only.
 * - `wasmHeapBytes` is exact for the wasm linear memory (tensors + XNNPACK
 *   packed weights + allocator slack), which never shrinks.
 * - `stepPeakTensorBytes` is TF.js's own accounting of live tensor bytes.
 */
export interface TfjsMemoryReport {
  /** `process.memoryUsage()` etc. before the run's tensors were created. */
  before: MemSnapshot;
  /** …and after the last step, before the run's tensors were disposed. */
  after: MemSnapshot;
  /** Whether the peak-RSS mark could be reset at the start (Linux only). */
  peakRssReset: boolean;
  /** Wasm linear memory size after the run (wasm backend only; it never shrinks). */
  wasmHeapBytes: number | null;
  /**
   * Peak bytes of all live TF.js tensors (weights, momentum buffers, batch,
   * activations, gradients) during one training step, from `tf.profile` on the
   * last warm-up step (null without warm-up). Tensor buffers only — not
   * XNNPACK packed weights, not allocator slack, not JS objects.
   */
  stepPeakTensorBytes: number | null;
  /** Tensors / tensor bytes the run holds at its end (variables + momentum accumulators). */
  numTensorsAfter: number;
  numBytesAfter: number;
}

export interface TfjsTrainOptions extends TrainOptions {
  backend: TfjsBackend;
  /**
   * Dense layers as `tf.fused.matMul` (default, what `tf.layers.dense` does)
   * or as separate `matMul` + `add` + `relu`.
   */
  fused?: boolean;
}

export interface TfjsTrainResult extends TrainResult {
  memory: TfjsMemoryReport;
}

function checkTrainOptions(o: TrainOptions): void {
  const L = o.layerSizes.length - 1;
  if (L < 1) throw new Error('layerSizes needs at least input and output sizes');
  if (o.layerSizes[L] !== NUM_CLASSES) throw new Error(`last layer must have ${NUM_CLASSES} units`);
  if (o.initialWeights.length !== 2 * L) throw new Error(`initialWeights: expected ${2 * L} arrays, got ${o.initialWeights.length}`);
  for (let l = 0; l < L; l++) {
    const fi = o.layerSizes[l]!, fo = o.layerSizes[l + 1]!;
    if (o.initialWeights[2 * l]!.length !== fi * fo) throw new Error(`kernel ${l}: expected ${fi * fo} values`);
    if (o.initialWeights[2 * l + 1]!.length !== fo) throw new Error(`bias ${l}: expected ${fo} values`);
  }
  if (o.batchOrder.length < o.steps * o.batchSize) throw new Error(`batchOrder has ${o.batchOrder.length} indices, need ${o.steps * o.batchSize}`);
  if (o.warmupSteps >= o.steps) throw new Error('warmupSteps must be < steps (steps counts warm-up too)');
  const inputSize = o.layerSizes[0]!;
  if (o.images.length !== o.labels.length * inputSize) throw new Error(`images has ${o.images.length} values for ${o.labels.length} labels of ${inputSize}`);
}

/**
 * Trains an MLP (relu hidden layers, linear logits) with momentum SGD for
 * `steps` steps. Each step, timed as a whole: gather the batch rows into a new
 * Float32Array, upload, forward, backward, update, read the loss back
 * (`dataSync`, which also forces completion).
 */
export async function trainTfjs(opts: TfjsTrainOptions): Promise<TfjsTrainResult> {
  checkTrainOptions(opts);
  await setupTfjs(opts.backend);
  const fused = opts.fused ?? true;
  const { layerSizes, batchSize, steps, warmupSteps, images, labels, batchOrder } = opts;
  const L = layerSizes.length - 1;
  const inputSize = layerSizes[0]!;

  const peakRssReset = resetPeakRss();
  const before = memSnapshot();
  const startTensors = tf.memory().numTensors;
  const startBytes = tf.memory().numBytes;
  const vars: tf.Variable[] = [];
  for (let l = 0; l < L; l++) {
    const fi = layerSizes[l]!, fo = layerSizes[l + 1]!;
    // tf.variable() shares the initial tensor's data; dispose the wrapper so it doesn't count as live.
    const w = tf.tensor2d(opts.initialWeights[2 * l]!.slice(), [fi, fo], 'float32');
    const b = tf.tensor1d(opts.initialWeights[2 * l + 1]!.slice(), 'float32');
    vars.push(tf.variable(w, true, `w${l}`), tf.variable(b, true, `b${l}`));
    w.dispose();
    b.dispose();
  }
  const optimizer = tf.train.momentum(LEARNING_RATE, MOMENTUM, false);

  const forwardLoss = (xs: tf.Tensor2D, ys: tf.Tensor2D): tf.Scalar => {
    let h: tf.Tensor2D = xs;
    for (let l = 0; l < L; l++) {
      const w = vars[2 * l] as tf.Variable<tf.Rank.R2>;
      const b = vars[2 * l + 1] as tf.Variable<tf.Rank.R1>;
      const last = l === L - 1;
      if (fused) {
        h = tf.fused.matMul({ a: h, b: w, bias: b, activation: last ? 'linear' : 'relu' }) as tf.Tensor2D;
      } else {
        h = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
        if (!last) h = tf.relu(h);
      }
    }
    return tf.losses.softmaxCrossEntropy(ys, h) as tf.Scalar;
  };

  const step = (s: number): number => {
    const xb = new Float32Array(batchSize * inputSize);
    const yb = new Int32Array(batchSize);
    const base = s * batchSize;
    for (let i = 0; i < batchSize; i++) {
      const idx = batchOrder[base + i]!;
      xb.set(images.subarray(idx * inputSize, (idx + 1) * inputSize), i * inputSize);
      yb[i] = labels[idx]!;
    }
    const cost = tf.tidy(() => {
      const xs = tf.tensor2d(xb, [batchSize, inputSize], 'float32');
      const ys = tf.oneHot(tf.tensor1d(yb, 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D;
      return optimizer.minimize(() => forwardLoss(xs, ys), true, vars)!;
    });
    const loss = cost.dataSync()[0]!;
    cost.dispose();
    return loss;
  };

  const losses: number[] = [];
  const msPerStep: number[] = [];
  let stepPeakTensorBytes: number | null = null;
  for (let s = 0; s < steps; s++) {
    if (s === warmupSteps - 1) {
      // Last warm-up step under the profiler: tensor-level peak memory of a step.
      let loss = NaN;
      const info = await tf.profile(() => { loss = step(s); });
      stepPeakTensorBytes = info.peakBytes;
      losses.push(loss);
    } else if (s < warmupSteps) {
      losses.push(step(s));
    } else {
      const t0 = performance.now();
      losses.push(step(s));
      msPerStep.push(performance.now() - t0);
    }
  }

  const after = memSnapshot();
  const mem = tf.memory();
  const finalWeights = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const timedMs = msPerStep.reduce((a, b) => a + b, 0);
  const result: TfjsTrainResult = {
    samplesPerSec: (batchSize * msPerStep.length * 1000) / timedMs,
    msPerStep,
    finalLoss: losses[losses.length - 1]!,
    losses,
    finalWeights,
    memory: {
      before,
      after,
      peakRssReset,
      wasmHeapBytes: opts.backend === 'wasm' ? wasmHeapBytes() : null,
      stepPeakTensorBytes,
      numTensorsAfter: mem.numTensors - startTensors,
      numBytesAfter: mem.numBytes - startBytes,
    },
  };
  optimizer.dispose();
  // MomentumOptimizer.dispose() (tfjs 4.22) forgets SGDOptimizer's `-lr` scalar `c`.
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (c && !c.isDisposed) c.dispose();
  for (const v of vars) v.dispose();
  const leaked = tf.memory().numTensors - startTensors;
  if (leaked !== 0) throw new Error(`trainTfjs leaked ${leaked} tensors`);
  return result;
}

export interface MatmulOptions {
  /** A is stored [k, m] and used transposed. */
  transposeA?: boolean;
  /** B is stored [n, k] and used transposed. */
  transposeB?: boolean;
  /** Untimed calls first (XNNPACK packs/caches weights on first use). Default 2. */
  warmup?: number;
  /**
   * Give every call its own, never-seen B (copies made before timing). The
   * wasm backend caches an XNNPACK operator with B packed, keyed by B's
   * tensor, so reusing B (the default) measures the cached best case; in
   * training the weights are new tensors every step (`Variable.assign`), so
   * `freshB: true` is what a training step's matmuls pay. No effect on cpu.
   */
  freshB?: boolean;
}

export interface MatmulResult {
  /** From the median time. */
  gflops: number;
  msMedian: number;
  msPerRepeat: number[];
}

/**
 * Median fp32 GFLOP/s (2mkn / s) of `tf.matMul(A, B, transposeA, transposeB)`
 * producing C[m, n]; each timed call includes `dataSync()` of C, which forces
 * completion (and, on wasm, copies C out of the heap).
 */
export async function matmulTfjs(backend: TfjsBackend, m: number, k: number, n: number, repeats: number, options: MatmulOptions = {}): Promise<MatmulResult> {
  await setupTfjs(backend);
  const tA = options.transposeA ?? false;
  const tB = options.transposeB ?? false;
  const a = tf.randomUniform(tA ? [k, m] : [m, k], -1, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomUniform(tB ? [n, k] : [k, n], -1, 1, 'float32', 2) as tf.Tensor2D;
  a.dataSync();
  b.dataSync();
  const warmup = options.warmup ?? 2;
  const freshB = options.freshB ?? false;
  const copies: tf.Tensor2D[] = [];
  if (freshB) {
    for (let i = 0; i < warmup + repeats; i++) copies.push(tf.add(b, 0) as tf.Tensor2D);
    for (const c of copies) c.dataSync();
  }
  let call = 0;
  const once = (): number => {
    const bb = freshB ? copies[call]! : b;
    call++;
    const t0 = performance.now();
    const c = tf.matMul(a, bb, tA, tB);
    c.dataSync();
    const t = performance.now() - t0;
    c.dispose();
    if (freshB) bb.dispose();
    return t;
  };
  for (let i = 0; i < warmup; i++) once();
  const msPerRepeat: number[] = [];
  for (let i = 0; i < repeats; i++) msPerRepeat.push(once());
  a.dispose();
  b.dispose();
  const msMedian = median(msPerRepeat);
  return { gflops: (2 * m * k * n) / (msMedian * 1e6), msMedian, msPerRepeat };
}

export interface TransposeCheckRow {
  name: string;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  msMedian: number;
  gflops: number;
}

/**
 * The W1 backward matmuls with TF.js's transpose flags versus the same-size
 * untransposed product (what you'd get by storing the operand pre-transposed):
 * - weight grad xᵀ·dY: x [64,784], dY [64,128] → [784,128] (m=784, k=64, n=128)
 * - input grad dY·Wᵀ: dY [64,128], W [784,128] → [64,784] (m=64, k=128, n=784)
 * plus the forward x·W (m=64, k=784, n=128) for reference.
 */
export async function transposeCheckTfjs(backend: TfjsBackend, repeats = 50): Promise<TransposeCheckRow[]> {
  const cases: Array<Omit<TransposeCheckRow, 'msMedian' | 'gflops'>> = [
    { name: 'fwd x·W', m: 64, k: 784, n: 128, transposeA: false, transposeB: false },
    { name: 'dW = xᵀ·dY (tA)', m: 784, k: 64, n: 128, transposeA: true, transposeB: false },
    { name: 'dW same shape, no transpose', m: 784, k: 64, n: 128, transposeA: false, transposeB: false },
    { name: 'dX = dY·Wᵀ (tB)', m: 64, k: 128, n: 784, transposeA: false, transposeB: true },
    { name: 'dX same shape, no transpose', m: 64, k: 128, n: 784, transposeA: false, transposeB: false },
  ];
  const rows: TransposeCheckRow[] = [];
  for (const c of cases) {
    const r = await matmulTfjs(backend, c.m, c.k, c.n, repeats, { transposeA: c.transposeA, transposeB: c.transposeB, warmup: 5 });
    rows.push({ ...c, msMedian: r.msMedian, gflops: r.gflops });
  }
  return rows;
}

export interface ScalingRow {
  name: string;
  layerSizes: number[];
  batchSize: number;
  samplesPerSec: number;
  msMedian: number;
}

/**
 * The W1-like scaling sweep (`SCALING_WORKLOADS`: batch 16/64/256 at hidden
 * 128, hidden 128/512/1024 at batch 64) on one backend (wasm by default).
 * Weights and batch order are derived from `seed` exactly as a gradtape run
 * with the same seed would derive them.
 */
export async function scalingTfjs(opts: { backend?: TfjsBackend; images: Float32Array; labels: Int32Array; steps: number; warmupSteps: number; seed?: number }): Promise<ScalingRow[]> {
  const backend = opts.backend ?? 'wasm';
  const seed = opts.seed ?? 42;
  const rows: ScalingRow[] = [];
  for (const wl of SCALING_WORKLOADS) {
    const r = await trainTfjs({
      backend,
      layerSizes: wl.layerSizes,
      batchSize: wl.batchSize,
      steps: opts.steps,
      warmupSteps: opts.warmupSteps,
      initialWeights: glorotUniformWeights(wl.layerSizes, seed),
      images: opts.images,
      labels: opts.labels,
      batchOrder: makeBatchOrder(opts.labels.length, wl.batchSize, opts.steps, seed),
    });
    const msMedian = median(r.msPerStep);
    rows.push({ name: wl.name, layerSizes: wl.layerSizes, batchSize: wl.batchSize, samplesPerSec: (wl.batchSize * 1000) / msMedian, msMedian });
  }
  return rows;
}

export interface TfjsSuiteOptions {
  images: Float32Array;
  labels: Int32Array;
  /** Default `['cpu', 'wasm']`, run in that order in this process. */
  backends?: TfjsBackend[];
  /** Fewer steps / repeats (smoke test). */
  quick?: boolean;
  /** Seed for the shared initial weights and batch order (same as gradtape's run). */
  seed?: number;
  /** Run the W1-like scaling sweep on wasm (default true). */
  scaling?: boolean;
  /** Measure peak RSS of W1/W2 per backend in child processes (default true). */
  childMemory?: boolean;
  log?: (msg: string) => void;
}

/** Steps (warm-up included) and warm-up per workload and backend: ~5–25 s each. */
function trainPlan(backend: TfjsBackend, wl: MlpWorkload, quick: boolean): { steps: number; warmupSteps: number } {
  const big = wl.layerSizes.length > 3;
  const steps = backend === 'cpu' ? (big ? 40 : 150) : big ? 120 : 400;
  const warmupSteps = big ? (backend === 'cpu' ? 5 : 10) : 20;
  return quick ? { steps: Math.max(warmupSteps + 5, Math.round(steps / 4)), warmupSteps: Math.min(5, warmupSteps) } : { steps, warmupSteps };
}

/**
 * The whole TF.js side of `npm run bench` as harness `Measurement`s, values
 * keyed `tfjs-cpu` / `tfjs-wasm`; merge with gradtape's rows via
 * `mergeMeasurements` and print with `printReport`.
 */
export async function runTfjsSuite(o: TfjsSuiteOptions): Promise<Measurement[]> {
  const backends = o.backends ?? ['cpu', 'wasm'];
  const quick = o.quick ?? false;
  const seed = o.seed ?? 42;
  const log = o.log ?? (() => {});
  const n = o.labels.length;
  const out: Measurement[] = [];
  for (const backend of backends) {
    const fw = `tfjs-${backend}`;
    for (const wl of [W1, W2]) {
      const { steps, warmupSteps } = trainPlan(backend, wl, quick);
      const r = await trainTfjs({
        backend, layerSizes: wl.layerSizes, batchSize: wl.batchSize, steps, warmupSteps,
        initialWeights: glorotUniformWeights(wl.layerSizes, seed), images: o.images, labels: o.labels,
        batchOrder: makeBatchOrder(n, wl.batchSize, steps, seed),
      });
      const sps = (wl.batchSize * 1000) / median(r.msPerStep);
      log(`${fw} ${wl.name}: ${sps.toFixed(0)} samples/s, final loss ${r.finalLoss.toFixed(4)}`);
      out.push({ workload: wl.name, ...METRIC.train, values: { [fw]: sps } });
    }
    for (const [m, k, n2] of MATMUL_SHAPES) {
      const estMs = (2 * m * k * n2) / ((backend === 'cpu' ? 0.9 : 25) * 1e6);
      const repeats = Math.max(3, Math.min(quick ? 10 : 60, Math.round((quick ? 500 : 3000) / estMs)));
      const r = await matmulTfjs(backend, m, k, n2, repeats);
      log(`${fw} ${matmulWorkloadName(m, k, n2)}: ${r.gflops.toFixed(2)} GFLOP/s`);
      out.push({ workload: matmulWorkloadName(m, k, n2), ...METRIC.matmul, values: { [fw]: r.gflops } });
    }
  }
  if ((o.scaling ?? true) && backends.includes('wasm')) {
    const rows = await scalingTfjs({ backend: 'wasm', images: o.images, labels: o.labels, steps: quick ? 40 : 200, warmupSteps: quick ? 5 : 20, seed });
    for (const r of rows) {
      log(`tfjs-wasm ${r.name}: ${r.samplesPerSec.toFixed(0)} samples/s`);
      out.push({ workload: r.name, ...METRIC.train, values: { 'tfjs-wasm': r.samplesPerSec } });
    }
  }
  if (o.childMemory ?? true) {
    const self = new URL(import.meta.url);
    for (const backend of backends) {
      for (const wl of [W1, W2]) {
        const steps = quick ? 10 : backend === 'cpu' ? (wl === W1 ? 60 : 15) : wl === W1 ? 200 : 60;
        const job: TfjsTrainOptions = {
          backend, layerSizes: wl.layerSizes, batchSize: wl.batchSize, steps, warmupSteps: 2,
          initialWeights: glorotUniformWeights(wl.layerSizes, seed), images: o.images, labels: o.labels,
          batchOrder: makeBatchOrder(n, wl.batchSize, steps, seed),
        };
        const c = await runInChild<TfjsTrainResult>(self, 'trainTfjs', [job]);
        const mib = c.memory.peakRssBytes / 2 ** 20;
        const baseMiB = c.memory.rssAfterArgsBytes / 2 ** 20;
        log(`tfjs-${backend} ${wl.name}: child peak RSS ${mib.toFixed(0)} MiB (${baseMiB.toFixed(0)} MiB before importing TF.js)`);
        out.push({
          workload: wl.name, ...METRIC.peakRss, values: { [`tfjs-${backend}`]: mib },
          note: `child process, ${c.memory.peakRssSource}; tfjs-${backend} ${baseMiB.toFixed(0)} MiB of it is Node + data before import`,
        });
      }
    }
  }
  return out;
}
