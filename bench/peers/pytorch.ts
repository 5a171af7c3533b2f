/**
 * PyTorch as an optional peer of `npm run bench`: when `python3` can import `torch` (Debian:
 * `apt-get install python3-torch`), the MLP workloads and the CNN run in PyTorch on one thread
 * with the same initial weights and batch orders as gradtape's, written to a temporary folder for
 * `pytorch.py`. Otherwise the rows say the peer was skipped and why. CI does not need it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The first interpreter that can import torch: an explicit choice, the one on PATH, Debian's
// (where python3-torch installs, and which a pyenv or venv on PATH hides).
const CANDIDATES = [process.env.GRADTAPE_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => p !== undefined && p !== '');
let python: string | undefined;

/** One training job: an MLP (dense kernels [in, out]) or the CNN of bench/cnn.ts. */
export interface TorchJob {
  kind: 'mlp' | 'cnn';
  name: string;
  batchSize: number;
  steps: number;
  warmupSteps: number;
  lr: number;
  momentum: number;
  weights: { values: Float32Array; shape: readonly number[] }[];
  batchOrder: Int32Array;
}

export interface TorchResult {
  name: string;
  msPerStep: number[];
  losses: number[];
}

/** Why PyTorch cannot run here, or null when it can (and which python runs it). */
export function torchUnavailable(): string | null {
  for (const candidate of CANDIDATES) {
    const r = spawnSync(candidate, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) {
      python = candidate;
      return null;
    }
  }
  return `none of ${CANDIDATES.join(', ')} can import torch and numpy (Debian: apt-get install python3-torch)`;
}

/** What one PyTorch process ran on, as it reports it. */
export interface TorchRun {
  /** `torch.__version__`. */
  version: string;
  /** `torch.get_num_threads()` after `set_num_threads`. */
  threads: number;
  /** ATen's parallel backend (`OpenMP` in Debian's build). */
  parallel: string;
  /** The BLAS mapped into the process, e.g. `OpenBLAS 0.3.21 (OpenMP build, 2 threads)`. */
  blas: string;
  results: TorchResult[];
}

/**
 * Runs the jobs in one python3 process with `threads` threads; the data travel as raw files.
 * `env` adds variables to the process's environment (e.g. `OMP_WAIT_POLICY`).
 */
export function runTorch(images: Float32Array, labels: Int32Array, jobs: TorchJob[], threads = 1, env: Record<string, string> = {}): TorchRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradtape-torch-'));
  try {
    const file = (name: string, a: Float32Array | Int32Array) => {
      const p = path.join(dir, name);
      writeFileSync(p, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return p;
    };
    const spec = {
      threads,
      images: file('images.f32', images),
      labels: file('labels.i32', labels),
      jobs: jobs.map((j, i) => ({
        kind: j.kind, name: j.name, batchSize: j.batchSize, steps: j.steps, warmupSteps: j.warmupSteps, lr: j.lr, momentum: j.momentum,
        weights: j.weights.map((w, k) => [file(`job${i}-w${k}.f32`, w.values), w.shape]),
        order: file(`job${i}-order.i32`, j.batchOrder),
      })),
    };
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/peers/pytorch.py');
    if (python === undefined && torchUnavailable() !== null) throw new Error('bench: no python3 with torch; call torchUnavailable() first');
    const r = spawnSync(python!, [script], { input: JSON.stringify(spec), encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), ...env } });
    if (r.status !== 0) throw new Error(`bench: the PyTorch peer failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const out = JSON.parse(r.stdout) as { torch: string } & Omit<TorchRun, 'version'>;
    return { version: out.torch, threads: out.threads, parallel: out.parallel, blas: out.blas, results: out.results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
