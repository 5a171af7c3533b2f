// The page side of `npm run test:browser`: bundled with esbuild from src/ and run in Chromium,
// once in a cross-origin isolated page and once in a plain one. It only measures and reports;
// run.mjs decides what passes.
import * as gt from "../../src/index.ts";
// Internal, not re-exported by src/index.ts: the pool itself, for its counters.
import { parallelMatmul } from "../../src/kernels/backend.ts";

const N = 512;

/**
 * Median GFLOP/s of `a`·`b` on one thread and on `threads`, timed in alternating rounds so that
 * load from elsewhere on the machine weighs on both alike.
 */
async function gflopsBothWays(a, b, threads) {
  const flops = 2 * a.shape[0] * a.shape[1] * b.shape[1];
  const times = new Map([[1, []], [threads, []]]);
  for (let round = 0; round < 5; round++) {
    for (const [t, list] of times) {
      gt.setThreads(t);
      await gt.threadsReady();
      gt.matmul(a, b);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        gt.matmul(a, b);
        list.push(performance.now() - t0);
      }
    }
  }
  const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
  return [1, threads].map((t) => flops / (median(times.get(t)) * 1e6));
}

/** Index of the first element whose bits differ, or -1. */
function firstDifference(x, y) {
  if (x.length !== y.length) return 0;
  const bx = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const by = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < bx.length; i++) if (bx[i] !== by[i]) return i;
  return -1;
}

/**
 * A few full-batch steps of plain SGD on a teacher's labels. The first layer's products
 * (512·512·512, forward and for its kernel's gradient) are above the size at which products split.
 */
function train() {
  const x = gt.randomNormal([N, N], { seed: 11 });
  const y = gt.argMax(x.matmul(gt.randomNormal([N, 10], { seed: 12 })), 1);
  const model = gt.sequential([
    gt.layers.dense({ units: N, activation: "relu", inputShape: [N], seed: 13 }),
    gt.layers.dense({ units: 10, seed: 14 }),
  ]);
  const optimizer = new gt.optim.SGD({ learningRate: 0.05 });
  const losses = [];
  for (let step = 0; step < 6; step++) {
    const tape = new gt.GradientTape();
    const loss = tape.record(() => gt.losses.sparseCategoricalCrossentropy(y, model.call(x), { fromLogits: true }));
    const gradients = tape.gradient(loss, model.trainableVariables);
    optimizer.applyGradients(gt.zip(gradients, model.trainableVariables));
    losses.push(loss.data()[0]);
  }
  return losses;
}

/** A few steps of a small CNN (conv2d, max pooling, batch normalization) with momentum SGD. */
function trainCnn() {
  const x = gt.randomUniform([32, 12, 12, 1], { seed: 21 });
  const y = gt.argMax(x.reshape([32, 144]).matmul(gt.randomNormal([144, 3], { seed: 22 })), 1);
  const model = gt.sequential([
    gt.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu", padding: "same", inputShape: [12, 12, 1], seed: 23 }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.batchNormalization(),
    gt.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu", seed: 24 }),
    gt.layers.globalAveragePooling2d(),
    gt.layers.dense({ units: 3, seed: 25 }),
  ]);
  const optimizer = new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 });
  const losses = [];
  for (let step = 0; step < 6; step++) {
    const { loss } = gt.trainStep(model, optimizer, (t, p) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true }), x, y);
    losses.push(loss.data()[0]);
  }
  return losses;
}

async function run() {
  const defaultThreads = gt.getThreads();
  const report = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    defaultThreads,
  };
  const a = gt.randomUniform([N, N], { minval: -1, maxval: 1, seed: 1 });
  const b = gt.randomUniform([N, N], { minval: -1, maxval: 1, seed: 2 });

  gt.setThreads(1);
  const one = gt.matmul(a, b).data();
  report.poolWithOneThread = parallelMatmul() !== null;
  report.lossesOneThread = train();
  report.cnnLossesOneThread = trainCnn();

  gt.setThreads(defaultThreads);
  // The first large product starts the workers and, not waiting for them, runs on this thread.
  const first = gt.matmul(a, b).data();
  const pool = parallelMatmul();
  report.pool = pool !== null;
  if (pool !== null) {
    report.splitBeforeReady = pool.stats.splitProducts;
    // Information only: whether workers start while this thread never yields to its event loop.
    const deadline = performance.now() + 1000;
    while (pool.stats.splitProducts === 0 && performance.now() < deadline) gt.matmul(a, b);
    report.splitWithoutYielding = pool.stats.splitProducts > 0;
  }
  report.threadsReady = await gt.threadsReady();
  const many = gt.matmul(a, b).data();
  report.firstDifferenceFirstProduct = firstDifference(first, one);
  report.firstDifference = firstDifference(many, one);
  report.resultIsFinite = many.every(Number.isFinite);

  const splitBefore = pool?.stats.splitProducts ?? 0;
  report.lossesDefault = train();
  report.cnnLossesDefault = trainCnn();
  if (pool !== null) {
    report.splitWhileTraining = pool.stats.splitProducts - splitBefore;
    report.pool = { waitMode: pool.waitMode, ...pool.stats };
  }
  [report.gflopsOneThread, report.gflopsDefault] = await gflopsBothWays(a, b, defaultThreads);
  return report;
}

globalThis.gradtapeBrowserTest = run;
