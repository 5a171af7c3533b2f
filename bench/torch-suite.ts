/**
 * The PyTorch column of `npm run bench` (one thread): W1, W2 and the CNN from the same initial
 * weights and batches as gradtape's rows, or a note saying why the peer was skipped.
 */
import { CNN_BATCH, CNN_LEARNING_RATE, CNN_MOMENTUM, CNN_NAME, CNN_SHAPES, cnnInitialWeights } from './cnn.js';
import { glorotUniformWeights, LEARNING_RATE, makeBatchOrder, median, METRIC, MOMENTUM, type Measurement, type MlpWorkload } from './harness.js';
import { runTorch, torchUnavailable, type TorchJob } from './peers/pytorch.js';

export const TORCH = 'pytorch-1t';

export interface TorchSuiteOptions {
  images: Float32Array;
  labels: Int32Array;
  seed: number;
  mlp: { workload: MlpWorkload; steps: number; warmupSteps: number }[];
  cnn: { steps: number; warmupSteps: number } | undefined;
  log: (msg: string) => void;
}

export function runTorchSuite(o: TorchSuiteOptions): Measurement[] {
  const rows = [...o.mlp.map((m) => m.workload.name), ...(o.cnn ? [CNN_NAME] : [])];
  const why = torchUnavailable();
  if (why !== null) {
    o.log(`PyTorch peer skipped: ${why}`);
    return rows.slice(0, 1).map((workload) => ({ workload, ...METRIC.train, values: { [TORCH]: undefined }, note: `${TORCH} skipped: ${why}` }));
  }
  const n = o.labels.length;
  const jobs: TorchJob[] = o.mlp.map(({ workload: wl, steps, warmupSteps }) => {
    const w = glorotUniformWeights(wl.layerSizes, o.seed);
    return {
      kind: 'mlp', name: wl.name, batchSize: wl.batchSize, steps, warmupSteps, lr: LEARNING_RATE, momentum: MOMENTUM,
      weights: w.map((values, i) => ({ values, shape: i % 2 === 0 ? [wl.layerSizes[i / 2]!, wl.layerSizes[i / 2 + 1]!] : [values.length] })),
      batchOrder: makeBatchOrder(n, wl.batchSize, steps, o.seed),
    };
  });
  if (o.cnn) {
    jobs.push({
      kind: 'cnn', name: CNN_NAME, batchSize: CNN_BATCH, steps: o.cnn.steps, warmupSteps: o.cnn.warmupSteps, lr: CNN_LEARNING_RATE, momentum: CNN_MOMENTUM,
      weights: cnnInitialWeights(o.seed).map((values, i) => ({ values, shape: CNN_SHAPES[i]! })),
      batchOrder: makeBatchOrder(n, CNN_BATCH, o.cnn.steps, o.seed),
    });
  }
  const { version, results } = runTorch(o.images, o.labels, jobs, 1);
  return results.map((r, i) => {
    const sps = (jobs[i]!.batchSize * 1000) / median(r.msPerStep);
    o.log(`PyTorch ${version} (1 thread) ${r.name}: ${sps.toFixed(0)} samples/s, final loss ${r.losses.at(-1)!.toFixed(4)}`);
    return { workload: r.name, ...METRIC.train, values: { [TORCH]: sps } };
  });
}
