/**
 * The PyTorch columns of `npm run bench`: W1, W2 and the CNN on one thread, and W1 and W2 on two
 * (rows named "… (2 threads)"), from the same initial weights and batches as gradtape's rows, or a
 * note saying why the peer was skipped. Two threads are PyTorch's OpenMP threads (Debian's build;
 * `torch.__config__.parallel_info()` says which), the peer to compare gradtape's two threads with:
 * an OpenBLAS pthreads build spin-waits and runs 2-40× slower on two threads of a 2-core machine.
 */
import { CNN_BATCH, CNN_LEARNING_RATE, CNN_MOMENTUM, CNN_NAME, CNN_SHAPES, cnnInitialWeights } from './cnn.js';
import { glorotUniformWeights, LEARNING_RATE, makeBatchOrder, median, METRIC, MOMENTUM, type Measurement, type MlpWorkload } from './harness.js';
import { runTorch, torchUnavailable, type TorchJob } from './peers/pytorch.js';

export const TORCH = 'pytorch-1t';
export const TORCH2 = 'pytorch-2t';

/** The workload name of a row measured on two threads. */
export const twoThreads = (workload: string): string => `${workload} (2 threads)`;

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
  const rowsOf = (threads: 1 | 2, list: TorchJob[]): Measurement[] => {
    const { version, results } = runTorch(o.images, o.labels, list, threads);
    return results.map((r, i) => {
      const sps = (list[i]!.batchSize * 1000) / median(r.msPerStep);
      o.log(`PyTorch ${version} (${threads} thread${threads === 1 ? '' : 's'}) ${r.name}: ${sps.toFixed(0)} samples/s, final loss ${r.losses.at(-1)!.toFixed(4)}`);
      return threads === 1
        ? { workload: r.name, ...METRIC.train, values: { [TORCH]: sps } }
        : { workload: twoThreads(r.name), ...METRIC.train, values: { [TORCH2]: sps } };
    });
  };
  return [...rowsOf(1, jobs), ...rowsOf(2, jobs.filter((j) => j.kind === 'mlp'))];
}
