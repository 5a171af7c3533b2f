/**
 * `npm run profile` (or `npm run bench -- --profile`): where a W1 and a W2 training step spend
 * their time. Trains each workload as the bench does (same data, initial weights, batches and
 * momentum SGD, one thread), records the timed steps with V8's sampling profiler through
 * `node:inspector` in this process, and prints the self time in buckets (bench/cpu-profile.ts):
 * share of the total and milliseconds per step. With `--quick`, a quarter of the steps.
 */
import { Session } from 'node:inspector';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bucketProfile, formatBreakdown, wasmFunctionNames, type CpuProfile, type ProfileBreakdown } from './cpu-profile.js';
import { trainGradtape } from './gradtape.js';
import { glorotUniformWeights, makeBatchOrder, median, W1, W2, type MlpWorkload } from './harness.js';

export interface ProfileOptions {
  images: Float32Array;
  labels: Int32Array;
  seed: number;
  quick: boolean;
  json: boolean;
  log: (msg: string) => void;
}

/** One workload's profile: the steps recorded and where their time went. */
export interface WorkloadProfile {
  workload: string;
  steps: number;
  /** Median wall time of a step while the profiler samples (a few % above an unprofiled run). */
  medianMsPerStep: number;
  breakdown: ProfileBreakdown;
}

// Sampling every 100 µs gives 20-60 samples per step, enough for buckets of 1% over 300 steps.
const SAMPLING_INTERVAL_US = 100;

/** Profiles ~1,000 W1 steps and ~300 W2 steps (a quarter with `quick`) and prints both tables. */
export async function runProfile(o: ProfileOptions): Promise<WorkloadProfile[]> {
  const session = new Session();
  session.connect();
  // A session in this thread answers synchronously, so the profiler starts and stops exactly
  // around the timed steps, inside trainGradtape's loop.
  const post = <T>(method: string, params?: object): T => {
    let reply: { err: Error | null; result: T } | undefined;
    session.post(method, params, (err, result) => { reply = { err, result: result as T }; });
    if (reply === undefined) throw new Error(`bench --profile: ${method} did not answer synchronously`);
    if (reply.err) throw reply.err;
    return reply.result;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  const recorded: { wl: MlpWorkload; steps: number; profile: CpuProfile; msPerStep: number[] }[] = [];
  for (const [wl, full] of [[W1, 1000], [W2, 300]] as const) {
    const steps = o.quick ? full / 4 : full;
    const warmupSteps = 20;
    let profile: CpuProfile | undefined;
    o.log(`profiling ${steps} steps of ${wl.name}, batch ${wl.batchSize}, one thread`);
    const r = await trainGradtape({
      layerSizes: wl.layerSizes, batchSize: wl.batchSize, steps: steps + warmupSteps, warmupSteps, threads: 1,
      initialWeights: glorotUniformWeights(wl.layerSizes, o.seed), images: o.images, labels: o.labels,
      batchOrder: makeBatchOrder(o.labels.length, wl.batchSize, steps + warmupSteps, o.seed),
      around: { start: () => post('Profiler.start'), stop: () => { profile = post<{ profile: CpuProfile }>('Profiler.stop').profile; } },
    });
    recorded.push({ wl, steps, profile: profile!, msPerStep: r.msPerStep });
  }
  post('Profiler.disable');
  const wasmNames = wasmModuleNames(post, session);
  session.disconnect();
  if (wasmNames.size === 0) o.log('warning: no WebAssembly module names found; the product counts as "other WebAssembly kernels"');

  const lines = new Map<string, string[] | undefined>();
  const sourceLine = (url: string, line: number) => {
    if (!lines.has(url)) lines.set(url, readLines(url));
    return lines.get(url)?.[line - 1];
  };
  const out = recorded.map(({ wl, steps, profile, msPerStep }) => ({
    workload: wl.name, steps, medianMsPerStep: median(msPerStep), breakdown: bucketProfile(profile, { wasmNames, sourceLine }),
  }));
  if (o.json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    for (const p of out) {
      const wl = p.workload === W1.name ? W1 : W2;
      process.stdout.write(`\n${p.workload}, batch ${wl.batchSize}: ${p.steps} steps, median ${p.medianMsPerStep.toFixed(3)} ms/step under the profiler (${((wl.batchSize * 1000) / p.medianMsPerStep).toFixed(0)} samples/s)\n\n`);
      process.stdout.write(`${formatBreakdown(p.breakdown, p.steps)}\n`);
    }
  }
  return out;
}

/**
 * The function names of every WebAssembly module loaded, by script url, from the modules' own
 * bytes as the debugger hands them out. Enabled only after profiling: the debugger may change
 * how the engine compiles what it watches.
 */
function wasmModuleNames(post: <T>(method: string, params?: object) => T, session: Session): Map<string, (string | undefined)[]> {
  const scripts: { scriptId: string; url: string }[] = [];
  const onScript = (m: { params: { scriptId: string; url: string } }) => {
    if (m.params.url.startsWith('wasm://')) scripts.push(m.params);
  };
  session.on('Debugger.scriptParsed', onScript);
  const names = new Map<string, (string | undefined)[]>();
  try {
    post('Debugger.enable');
    for (const s of scripts) {
      if (names.has(s.url)) continue;
      const { bytecode } = post<{ bytecode?: string }>('Debugger.getScriptSource', { scriptId: s.scriptId });
      if (bytecode !== undefined) names.set(s.url, wasmFunctionNames(Buffer.from(bytecode, 'base64')));
    }
    post('Debugger.disable');
  } finally {
    session.off('Debugger.scriptParsed', onScript);
  }
  return names;
}

function readLines(url: string): string[] | undefined {
  if (!url.startsWith('file://')) return undefined;
  try {
    return readFileSync(fileURLToPath(url), 'utf8').split('\n');
  } catch {
    return undefined;
  }
}
