/**
 * gradtape's side of `npm run bench`: the same workloads as the peers, through the public API a
 * user would write (a `sequential` model of dense layers, `SGD` with momentum, `trainStep`).
 */
import * as gt from 'gradtape';
import { median, nowMs, type TrainOptions, type TrainResult } from './harness.js';
import { CNN_BATCH, CNN_LEARNING_RATE, CNN_MOMENTUM, CNN_SHAPES, cnnBatch, type CnnRunOptions, type CnnRunResult } from './cnn.js';

/**
 * Trains an MLP for `steps` steps on the given batches; times every step after the warm-up.
 * `around.start` runs just before the first timed step and `around.stop` just after the last (the
 * profiler of bench/profile.ts records exactly the timed steps).
 */
export async function trainGradtape(opts: TrainOptions & { threads?: number; around?: { start(): void; stop(): void } }): Promise<TrainResult> {
  if (opts.threads !== undefined) gt.setThreads(opts.threads);
  const { layerSizes, batchSize, steps, warmupSteps, images, labels, batchOrder } = opts;
  const inputSize = layerSizes[0]!;
  const model = gt.sequential(layerSizes.slice(1).map((units, i) => gt.layers.dense({
    units, activation: i < layerSizes.length - 2 ? 'relu' : 'linear', inputShape: i === 0 ? [inputSize] : undefined,
  })));
  model.build([null, inputSize]);
  model.setWeights(opts.initialWeights.map((w, i) => {
    const shape = i % 2 === 0 ? [layerSizes[i / 2]!, layerSizes[i / 2 + 1]!] : [layerSizes[(i + 1) / 2]!];
    return gt.tensor(w, shape);
  }));
  const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
  const lossFn = (y: gt.TensorLike, logits: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
  const xb = new Float32Array(batchSize * inputSize);
  const yb = new Int32Array(batchSize);
  const msPerStep: number[] = [];
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    if (step === warmupSteps) opts.around?.start();
    const t0 = nowMs();
    for (let i = 0; i < batchSize; i++) {
      const row = batchOrder[step * batchSize + i]!;
      xb.set(images.subarray(row * inputSize, (row + 1) * inputSize), i * inputSize);
      yb[i] = labels[row]!;
    }
    const { loss } = gt.trainStep(model, optimizer, lossFn, gt.tensor(xb, [batchSize, inputSize]), gt.tensor(yb, [batchSize], 'int32'));
    losses.push(loss.item());
    if (step >= warmupSteps) msPerStep.push(nowMs() - t0);
  }
  if (steps > warmupSteps) opts.around?.stop();
  const total = msPerStep.reduce((a, b) => a + b, 0);
  return {
    samplesPerSec: (batchSize * msPerStep.length * 1000) / total,
    msPerStep, finalLoss: losses[losses.length - 1]!, losses,
    finalWeights: model.getWeights().map((w) => w.data() as Float32Array),
  };
}

/** Median GFLOP/s of `gt.matmul` on random float32 matrices, with `threads` threads. */
export function matmulGradtape(m: number, k: number, n: number, repeats: number, threads: number): number {
  gt.setThreads(threads);
  const a = gt.randomNormal([m, k], { seed: 1 });
  const b = gt.randomNormal([k, n], { seed: 2 });
  for (let i = 0; i < 3; i++) gt.matmul(a, b);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = nowMs();
    gt.matmul(a, b);
    times.push(nowMs() - t0);
  }
  return (2 * m * k * n) / (median(times) * 1e6);
}

/** The thread count gradtape picks by default here. */
export function defaultThreads(): number {
  return gt.getThreads();
}

// The smallest module using a relaxed-SIMD instruction (f32x4.relaxed_madd): it validates exactly
// where the engine would accept gradtape's relaxed-SIMD (FMA) kernel build.
const RELAXED_MADD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128, v128, v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // relaxed_madd(a, b, c)
]);

/**
 * {@link matmulGradtape} in a process started with the engine flag that enables relaxed SIMD
 * (Node 20; on by default from Node 22), so gradtape picks its fused multiply-add build. Throws
 * rather than report plain-SIMD numbers under the FMA label.
 */
export function matmulGradtapeRelaxed(m: number, k: number, n: number, repeats: number, threads: number): number {
  if (!WebAssembly.validate(RELAXED_MADD_MODULE)) throw new Error('this engine rejects relaxed SIMD; start node with --experimental-wasm-relaxed-simd');
  return matmulGradtape(m, k, n, repeats, threads);
}

/** The CNN of `bench/cnn.ts` through the public API: `sequential` of conv2d, maxPooling2d, flatten and dense layers, `trainStep`. */
export function trainCnnGradtape(o: CnnRunOptions): CnnRunResult {
  const model = gt.sequential([
    gt.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.flatten(),
    gt.layers.dense({ units: 128, activation: 'relu' }),
    gt.layers.dense({ units: 10 }),
  ]);
  model.setWeights(o.initialWeights.map((w, i) => gt.tensor(w, CNN_SHAPES[i] as number[])));
  const optimizer = new gt.optim.SGD({ learningRate: CNN_LEARNING_RATE, momentum: CNN_MOMENTUM });
  const lossFn = (y: gt.TensorLike, logits: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
  const msPerStep: number[] = [];
  const losses: number[] = [];
  for (let s = 0; s < o.steps; s++) {
    const { x, y } = cnnBatch(o, s);
    const t0 = nowMs();
    const { loss } = gt.trainStep(model, optimizer, lossFn, gt.tensor(x, [CNN_BATCH, 28, 28, 1]), gt.tensor(y, [CNN_BATCH], 'int32'));
    losses.push(loss.item());
    if (s >= o.warmupSteps) msPerStep.push(nowMs() - t0);
  }
  return { msPerStep, losses };
}
