/**
 * The PyTorch columns of `npm run bench`: W1, W2 and the CNN on one thread, and W1 and W2 on two
 * (rows named "… (2 threads)"), from the same initial weights and batches as gradtape's rows, or a
 * note saying why the peer was skipped. Two threads are PyTorch's OpenMP threads (Debian's build;
 * `torch.__config__.parallel_info()` says which), the peer to compare gradtape's two threads with:
 * an OpenBLAS pthreads build spin-waits and runs 2-40× slower on two threads of a 2-core machine,
 * so the notes name the BLAS each run loaded and warn when it is not OpenBLAS' OpenMP build.
 */
import { CNN_BATCH, CNN_LEARNING_RATE, CNN_MOMENTUM, CNN_NAME, CNN_SHAPES, cnnInitialWeights } from './cnn.js';
import { glorotUniformWeights, LEARNING_RATE, makeBatchOrder, median, METRIC, MOMENTUM, type Measurement, type MlpWorkload } from './harness.js';
import { runTorch, torchUnavailable, type TorchJob, type TorchRun } from './peers/pytorch.js';

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
  const samplesPerSec = (run: TorchRun, list: TorchJob[]) => run.results.map((r, i) => (list[i]!.batchSize * 1000) / median(r.msPerStep));
  const rowsOf = (threads: 1 | 2, list: TorchJob[]): Measurement[] => {
    const run = runTorch(o.images, o.labels, list, threads);
    let sps = samplesPerSec(run, list);
    let setup = `PyTorch ${run.version}, ${run.threads} ${run.parallel} thread${run.threads === 1 ? '' : 's'}, BLAS ${run.blas}`;
    // libgomp's default wait policy spins between parallel regions; with another process on the
    // other core (this project's shared 2-core machine) the spinning thread takes the core from
    // the one it waits for, and a W1 or W2 step ran 12-70x slower than on one thread. Sleeping
    // waits (PASSIVE) cost a wake-up per region on an idle machine, so the row is the better of
    // both, per workload: the fairest two-thread yardstick. A policy the user set is kept.
    if (threads > 1 && process.env.OMP_WAIT_POLICY === undefined) {
      const passive = samplesPerSec(runTorch(o.images, o.labels, list, threads, { OMP_WAIT_POLICY: 'PASSIVE' }), list);
      o.log(`PyTorch ${threads} threads, libgomp's default wait policy: ${sps.map((v) => v.toFixed(0)).join(', ')} samples/s; OMP_WAIT_POLICY=PASSIVE: ${passive.map((v) => v.toFixed(0)).join(', ')}`);
      setup += `, the better per row of libgomp's default wait policy (${sps.map((v) => v.toFixed(0)).join(', ')} samples/s) and OMP_WAIT_POLICY=PASSIVE (${passive.map((v) => v.toFixed(0)).join(', ')})`;
      sps = sps.map((v, i) => Math.max(v, passive[i]!));
    }
    o.log(setup);
    const warning = blasWarning(run.blas, threads);
    if (warning !== undefined) o.log(`warning: ${warning}`);
    return run.results.map((r, i) => {
      o.log(`PyTorch ${run.version} (${threads} thread${threads === 1 ? '' : 's'}) ${r.name}: ${sps[i]!.toFixed(0)} samples/s, final loss ${r.losses.at(-1)!.toFixed(4)}`);
      // The first row of each thread count says what the peer ran on, in the report's notes.
      const note = i === 0 ? `${threads === 1 ? TORCH : TORCH2}: ${setup}${warning === undefined ? '' : `; ${warning}`}` : undefined;
      return threads === 1
        ? { workload: r.name, ...METRIC.train, values: { [TORCH]: sps[i] }, note }
        : { workload: twoThreads(r.name), ...METRIC.train, values: { [TORCH2]: sps[i] }, note };
    });
  };
  return [...rowsOf(1, jobs), ...rowsOf(2, jobs.filter((j) => j.kind === 'mlp'))];
}

/** Why the BLAS PyTorch ran on is not a fair yardstick, or undefined when it is. */
export function blasWarning(blas: string, threads: number): string | undefined {
  if (!blas.startsWith('OpenBLAS')) {
    return 'PyTorch is not on OpenBLAS (Debian links the reference BLAS unless another is installed: apt-get install libopenblas0-openmp), so its rows understate it';
  }
  if (threads > 1 && blas.includes('pthreads build')) {
    return "OpenBLAS' pthreads build spin-waits on a machine with as many cores as threads (2-40x slower than one thread); the OpenMP build (apt-get install libopenblas0-openmp) is the fair two-thread peer";
  }
  return undefined;
}
