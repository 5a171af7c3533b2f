/**
 * The CNN rows of `npm run bench`: training throughput of gradtape, TF.js `cpu` and TF.js `wasm`
 * on the network of `bench/cnn.ts`, each in its own child process (so each peak RSS is its
 * own), from the same weights and batches.
 */
import { runInChild } from './child.js';
import { CNN_BATCH, CNN_NAME, cnnInitialWeights, type CnnRunOptions, type CnnRunResult } from './cnn.js';
import { makeBatchOrder, median, METRIC, type Measurement } from './harness.js';

export interface CnnSuiteOptions {
  images: Float32Array;
  labels: Int32Array;
  quick: boolean;
  seed: number;
  log: (msg: string) => void;
}

function options(o: CnnSuiteOptions, steps: number, warmupSteps: number): CnnRunOptions {
  return {
    steps, warmupSteps, initialWeights: cnnInitialWeights(o.seed), images: o.images, labels: o.labels,
    batchOrder: makeBatchOrder(o.labels.length, CNN_BATCH, steps, o.seed),
  };
}

export async function runCnnSuite(o: CnnSuiteOptions): Promise<Measurement[]> {
  const ours = new URL('./gradtape.js', import.meta.url);
  const tfjs = new URL('./peers/tfjs-cnn.js', import.meta.url);
  const runs: [string, URL, string, unknown[], CnnRunOptions][] = [
    ['gradtape', ours, 'trainCnnGradtape', [], options(o, o.quick ? 25 : 125, 5)],
    // TF.js cpu needs about 25 s a step here (its filter gradient is a naive loop): a few steps time it.
    ['tfjs-cpu', tfjs, 'trainCnnTfjs', ['cpu'], options(o, o.quick ? 2 : 3, 1)],
    ['tfjs-wasm', tfjs, 'trainCnnTfjs', ['wasm'], options(o, o.quick ? 4 : 10, 2)],
  ];
  const train: Measurement = { workload: CNN_NAME, ...METRIC.train, values: {} };
  const peak: Measurement = { workload: CNN_NAME, ...METRIC.peakRss, values: {} };
  const notes: string[] = [];
  for (const [name, url, fn, head, opts] of runs) {
    const { result, memory } = await runInChild<CnnRunResult>(url, fn, [...head, opts], { inheritOutput: false });
    if ('cannotTrain' in result) {
      o.log(`${name} CNN: cannot train: ${result.cannotTrain}`);
      train.values[name] = undefined;
      notes.push(`${name} cannot train: ${result.cannotTrain}`);
      continue;
    }
    const sps = (CNN_BATCH * 1000) / median(result.msPerStep);
    const mib = memory.peakRssBytes / 2 ** 20;
    o.log(`${name} CNN: ${sps.toFixed(sps < 10 ? 2 : 0)} samples/s over ${result.msPerStep.length} timed steps, last loss ${result.losses.at(-1)!.toFixed(4)}, peak RSS ${mib.toFixed(0)} MiB`);
    train.values[name] = sps;
    peak.values[name] = mib;
  }
  if (notes.length > 0) train.note = notes.join('; ');
  return [train, peak];
}
