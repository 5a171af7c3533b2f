#!/usr/bin/env node
// Times the WebAssembly matmul kernels on the model's shapes and prints
// GFLOP/s (2·m·k·n / seconds, median of repeats) for every transpose variant:
//
//   e2e     matmulF32() as callers use it: copy A and B in, compute, copy C out
//   kernel  the wasm `matmul` export alone, operands already in wasm memory
//
// Usage: npm run build && node scripts/time-matmul.mjs [options]
//   --quick    fewer repeats and no 1024³ (rough numbers in well under a minute)
//   --relaxed  also time the relaxed-SIMD (FMA) build; on Node 20 this turns on
//              V8's --experimental-wasm-relaxed-simd for this process
//   --threads  also time the worker-thread prototype (os.availableParallelism() threads)
//   --tfjs     also time tf.matMul on @tensorflow/tfjs-backend-wasm, for comparison
//   --json     print the results as JSON instead of a table
//
// A measurement tool, not a test: on a shared 2-core machine numbers move by
// ±20% with whatever else runs, so compare columns of the same run.

import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const quick = args.has("--quick");
const withRelaxed = args.has("--relaxed");
const withThreads = args.has("--threads");
const withTfjs = args.has("--tfjs");
const asJson = args.has("--json");

if (withRelaxed) setFlagsFromString("--experimental-wasm-relaxed-simd");

// The kernels as built into dist/ (`npm run build`), so the script times exactly what users run.
async function importKernels() {
  const dir = join(root, "dist/kernels/wasm");
  const load = async (f) => {
    try {
      return await import(pathToFileURL(join(dir, `${f}.js`)).href);
    } catch (err) {
      console.error(`time-matmul: cannot load ${join(dir, f)}.js (${err.message}); run \`npm run build\` first`);
      process.exit(1);
    }
  };
  return { index: await load("index"), parallel: await load("parallel"), generated: await load("kernels.generated") };
}

const { index, parallel, generated } = await importKernels();
if (!index.wasmAvailable()) {
  console.error("time-matmul: WebAssembly SIMD is not available in this Node");
  process.exit(1);
}

function rawInstance(base64) {
  return new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, "base64")), {
    env: { abort: () => { throw new Error("wasm abort"); } },
  }).exports;
}

// Each implementation: e2e = callable like matmulF32; raw = exports for kernel-only timing.
const impls = [{ name: "simd", e2e: index.createWasmMatmul({ relaxedSimd: false }), raw: rawInstance(generated.wasmBase64) }];
if (withRelaxed) {
  impls.push({ name: "fma", e2e: index.createWasmMatmul({ relaxedSimd: true }), raw: rawInstance(generated.wasmRelaxedBase64) });
}
let pool = null;
if (withThreads) {
  pool = parallel.createParallelWasmMatmul({ relaxedSimd: false });
  impls.push({ name: `simd×${pool.threads}thr`, e2e: pool, raw: null });
  if (withRelaxed) {
    const fmaPool = parallel.createParallelWasmMatmul({ relaxedSimd: true });
    impls.push({ name: `fma×${fmaPool.threads}thr`, e2e: fmaPool, raw: null });
  }
}

// (m, k, n) of op(A)·op(B): an MNIST MLP 784-512-256-10 / 784-128-10 at
// batch 64 and 128, forward and backward, plus square reference sizes.
const SHAPES = [
  [64, 784, 128],
  [64, 128, 10],
  [784, 64, 128],
  [128, 784, 512],
  [128, 512, 256],
  [512, 512, 512],
  ...(quick ? [] : [[1024, 1024, 1024]]),
];
const VARIANTS = [
  ["A·B", false, false],
  ["Aᵀ·B", true, false],
  ["A·Bᵀ", false, true],
  ["Aᵀ·Bᵀ", true, true],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median seconds per call of fn after warm-up (V8 tiers wasm up from Liftoff to TurboFan on hot functions). */
function time(fn, flops, assumedGflops = 25) {
  const target = quick ? 0.08 : 0.4; // seconds of measured work per cell
  for (let i = 0; i < 3; i++) fn();
  const reps = Math.max(5, Math.min(200, Math.ceil(target / (flops / (assumedGflops * 1e9)))));
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1e3);
  }
  return median(samples);
}

function randomArray(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

let tf = null;
if (withTfjs) {
  tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  await tf.ready();
}

const align = (x) => Math.ceil(x / 64) * 64;
const results = [];
for (const [m, k, n] of SHAPES) {
  const flops = 2 * m * k * n;
  const a = randomArray(m * k);
  const b = randomArray(k * n);
  const out = new Float32Array(m * n);

  // Operands for kernel-only timing, laid out as the loader lays them out.
  const rawPtrs = new Map();
  for (const impl of impls) {
    if (!impl.raw) continue;
    const x = impl.raw;
    const aPtr = x.arenaBase();
    const bPtr = aPtr + align(a.length * 4);
    const cPtr = bPtr + align(b.length * 4);
    const wPtr = cPtr + align(out.length * 4);
    if (!x.ensureArena(wPtr - aPtr + x.workspaceBytes(m, k, n))) throw new Error("cannot grow wasm memory");
    const heap = new Float32Array(x.memory.buffer);
    heap.set(a, aPtr >> 2);
    heap.set(b, bPtr >> 2);
    rawPtrs.set(impl, { aPtr, bPtr, cPtr, wPtr });
  }

  for (const [variant, ta, tb] of VARIANTS) {
    const row = { shape: `${m}x${k}x${n}`, variant, gflops: {} };
    for (const impl of impls) {
      row.gflops[`${impl.name} e2e`] = flops / time(() => impl.e2e.matmulF32(a, b, m, k, n, ta, tb, out), flops) / 1e9;
      const p = rawPtrs.get(impl);
      if (p) {
        const t = time(() => impl.raw.matmul(p.aPtr, p.bPtr, p.cPtr, m, k, n, ta ? 1 : 0, tb ? 1 : 0, p.wPtr), flops);
        row.gflops[`${impl.name} kernel`] = flops / t / 1e9;
      }
    }
    if (tf) {
      const tA = tf.tensor2d(a, ta ? [k, m] : [m, k]);
      const tB = tf.tensor2d(b, tb ? [n, k] : [k, n]);
      row.gflops["tfjs-wasm"] = flops / time(() => tf.tidy(() => tf.matMul(tA, tB, ta, tb).dataSync()), flops, 1) / 1e9;
      tA.dispose();
      tB.dispose();
    }
    results.push(row);
  }
}
for (const impl of impls) if (impl.e2e.close) await impl.e2e.close();

// A naive JS loop at 512³, for scale.
{
  const [m, k, n] = [512, 512, 512];
  const a = randomArray(m * k), b = randomArray(k * n), c = new Float32Array(m * n);
  const naive = () => {
    c.fill(0);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
      }
    }
  };
  const flops = 2 * m * k * n;
  results.push({ shape: "512x512x512", variant: "naive JS i-p-j loop", gflops: { "simd e2e": flops / time(naive, flops, 1) / 1e9 } });
}

if (asJson) {
  console.log(JSON.stringify({ node: process.version, defaultVariant: index.wasmKernelVariant(), results }, null, 2));
} else {
  const cols = [...new Set(results.flatMap((r) => Object.keys(r.gflops)))];
  const header = ["m×k×n", "variant", ...cols];
  const rows = results.map((r) => [r.shape, r.variant, ...cols.map((c) => (r.gflops[c] === undefined ? "" : r.gflops[c].toFixed(1)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`GFLOP/s = 2·m·k·n / median seconds; Node ${process.version}; matmulF32 default build here: ${index.wasmKernelVariant()}`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
