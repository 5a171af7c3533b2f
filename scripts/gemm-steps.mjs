#!/usr/bin/env node
// Times the matrix products of one dense-MLP training step, shape by shape, as the dense layers
// call `matmul` (assembly/dense.ts): forward X·W ([batch, in]·[in, out]), backward
// dA = dZ·Wᵀ (transB) and dW = Xᵀ·dZ (transA); the first layer's dA is not computed (its input
// needs no gradient). Workloads: W1 784-128-10 batch 64, W2 784-512-256-10 batch 128 and
// 784-2048-10 batch 256.
//
// It compiles assembly/matmul.ts itself (and, with --base=REF, the same file at a git ref), so
// two versions run side by side in one process, interleaved round by round; it also checks that
// every build gives the same bits on every shape. For where the time goes it compiles a scratch
// copy of each source whose pack calls are deleted (the kernel then multiplies whatever the
// workspace holds): full time minus that is the packing's share. It also prints the bytes the
// packing writes.
//
// Usage: node scripts/gemm-steps.mjs [--base=REF] [--shapes=MxKxN[t|T],...] [--relaxed] [--rounds=N] [--only=W1,W2,H2048] [--no-stub | --stub=A|B]
//   --also=FILE,...  also time these copies of matmul.ts
//   --stub=A   (or B) removes only packA's (packB's) calls, to split the packing share by operand;
//              --stub=K removes the micro-kernel's calls instead (the column then shows 100% minus the kernel's share)
//   --relaxed  compile with relaxed SIMD (FMA); on Node 20 turns on --experimental-wasm-relaxed-simd
// A measuring tool, not a test: compare columns of one run (the machine is shared and noisy).

import asc from "assemblyscript/asc";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const opt = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? true];
}));
const relaxed = Boolean(opt.relaxed);
const rounds = Number(opt.rounds ?? 9);
if (relaxed) setFlagsFromString("--experimental-wasm-relaxed-simd");

const WORKLOADS = {
  W1: { sizes: [784, 128, 10], batch: 64 },
  W2: { sizes: [784, 512, 256, 10], batch: 128 },
  H2048: { sizes: [784, 2048, 10], batch: 256 },
};
const only = opt.only ? String(opt.only).split(",") : Object.keys(WORKLOADS);

/** The products of one step: [label, m, k, n, transA, transB]. */
function stepProducts(sizes, batch) {
  const out = [];
  for (let l = 0; l + 1 < sizes.length; l++) out.push([`fwd${l + 1}`, batch, sizes[l], sizes[l + 1], false, false]);
  for (let l = sizes.length - 2; l >= 0; l--) {
    const [inp, outp] = [sizes[l], sizes[l + 1]];
    if (l > 0) out.push([`dA${l + 1}`, batch, outp, inp, false, true]);
    out.push([`dW${l + 1}`, inp, batch, outp, true, false]);
  }
  return out;
}

async function compile(source, name) {
  const dir = mkdtempSync(join(tmpdir(), "gemm-steps-"));
  try {
    writeFileSync(join(dir, "matmul.ts"), source);
    const args = ["matmul.ts", "--outFile", "out.wasm", "-O3", "--noAssert", "--enable", "simd", "--runtime", "stub", "--baseDir", dir];
    if (relaxed) args.push("--enable", "relaxed-simd");
    let wasm;
    const { error, stderr } = await asc.main(args, { writeFile(f, c) { if (f.endsWith(".wasm")) wasm = c; } });
    if (error) throw new Error(`${name}: ${error.message}\n${stderr}`);
    const ex = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { abort() { throw new Error("abort"); } } }).exports;
    return { name, ex, bytes: wasm.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The source with every statement that calls packA/packB removed (a scratch build for timing only). */
function stubPacking(source) {
  const body = source.slice(source.indexOf("export function gemm("));
  const which = String(opt.stub ?? "AB");
  const names = [...which].map((c) => ({ A: "packA", B: "packB", K: "kernel4x8" })[c]).join("|");
  const stubbed = body.replace(new RegExp(`^\\s*(${names})\\(.*\\);\\s*$`, "gm"), "");
  if (stubbed === body) throw new Error("no call found to stub");
  return source.slice(0, source.length - body.length) + stubbed;
}

const current = readFileSync(join(root, "assembly/matmul.ts"), "utf8");
const sources = [];
if (opt.base) sources.push([`${opt.base}`, execFileSync("git", ["show", `${opt.base}:assembly/matmul.ts`], { cwd: root, encoding: "utf8" })]);
sources.push(["work tree", current]);
// --also=FILE,FILE: more versions of matmul.ts to time alongside (e.g. with other block sizes).
if (opt.also) for (const f of String(opt.also).split(",")) sources.push([f.replace(/^.*\//, ""), readFileSync(f, "utf8")]);
const builds = [];
for (const [name, src] of sources) {
  builds.push({ ...(await compile(src, name)), stub: false });
  if (!opt["no-stub"]) builds.push({ ...(await compile(stubPacking(src), `${name} no-pack`)), stub: true });
}

function randomArray(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}
const align = (x) => Math.ceil(x / 64) * 64;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// Per shape: operands staged in every build's memory once, results compared bit for bit.
const cells = [];
// --shapes=MxKxN[t|T],...: extra products (t: transA, T: transB), e.g. a convolution's im2col product.
const extra = opt.shapes ? String(opt.shapes).split(",").map((d) => {
  const [m, k, n] = d.replace(/[tT]/g, "").split("x").map(Number);
  return [d, m, k, n, d.includes("t"), d.includes("T")];
}) : [];
for (const w of [...only, ...(extra.length ? ["shapes"] : [])]) {
  const products = w === "shapes" ? extra : stepProducts(WORKLOADS[w].sizes, WORKLOADS[w].batch);
  for (const [label, m, k, n, ta, tb] of products) {
    const a = randomArray(m * k, m * 7 + k);
    const b = randomArray(k * n, n * 13 + k);
    const flops = 2 * m * k * n;
    const runs = builds.map((bd) => {
      const x = bd.ex;
      const aPtr = x.arenaBase(), bPtr = aPtr + align(a.length * 4), cPtr = bPtr + align(b.length * 4), wPtr = cPtr + align(m * n * 4);
      if (!x.ensureArena(wPtr - aPtr + Number(x.workspaceBytes(m, k, n)))) throw new Error("cannot grow memory");
      const heap = new Float32Array(x.memory.buffer);
      heap.set(a, aPtr >> 2);
      heap.set(b, bPtr >> 2);
      const call = () => x.matmul(aPtr, bPtr, cPtr, m, k, n, ta ? 1 : 0, tb ? 1 : 0, wPtr);
      call();
      const c = new Uint32Array(x.memory.buffer, cPtr, m * n).slice();
      return { build: bd, call, c, samples: [] };
    });
    const ref = runs.find((r) => !r.build.stub);
    for (const r of runs) {
      if (r.build.stub || r === ref) continue;
      let diff = 0;
      for (let i = 0; i < ref.c.length; i++) if (ref.c[i] !== r.c[i]) diff++;
      if (diff) console.log(`MISMATCH ${w} ${label} ${m}x${k}x${n}: ${r.build.name} differs from ${ref.build.name} in ${diff} of ${ref.c.length} elements`);
    }
    // Bytes the packing writes per call, from the blocking in matmul.ts (KC 384, MC 32, NC 4096), as
    // the work tree's matmul.ts packs them.
    const blocks = (t, lim, mul) => (t <= lim ? t : Math.min(lim, Math.ceil(Math.ceil(t / Math.ceil(t / lim)) / mul) * mul));
    // Narrow products (n < 16, m > n, k >= 16) run as Cᵀ = op(B)ᵀ·op(A)ᵀ, so the operands trade places.
    const [pm, pn] = n < 16 && m > n && k >= 16 ? [n, m] : [m, n];
    const nc = blocks(pn, 4096, 8);
    const packA = Math.ceil(pm / 4) * 4 * k * 16 * Math.ceil(pn / nc);
    const packB = Math.ceil(pn / 8) * 8 * k * 4;
    cells.push({ w, label, m, k, n, ta, tb, flops, runs, reps: Math.max(1, Math.round(3e7 / flops)), packA, packB });
  }
}

// Warm up (TurboFan tier-up), then interleave: every round times every cell with every build,
// builds in a rotating order.
for (const cell of cells) for (const r of cell.runs) for (let i = 0; i < 3 * cell.reps; i++) r.call();
for (let round = 0; round < rounds; round++) {
  for (const cell of cells) {
    const order = cell.runs.map((_, i) => cell.runs[(i + round) % cell.runs.length]);
    for (const r of order) {
      const t0 = performance.now();
      for (let i = 0; i < cell.reps; i++) r.call();
      r.samples.push((performance.now() - t0) / 1e3 / cell.reps);
    }
  }
}

const names = builds.filter((b) => !b.stub).map((b) => b.name);
// Speed-up of each build over the first, as the median over rounds of the ratio of times measured
// back to back: steadier than a ratio of medians when the machine's load changes between rounds.
const speedup = (cell, name) => {
  const base = cell.runs.find((r) => r.build.name === names[0]).samples;
  const mine = cell.runs.find((r) => r.build.name === name).samples;
  return median(base.map((t, i) => t / mine[i]));
};
const ratioCols = names.slice(1);
const header = ["workload", "product", "m×k×n", "op", ...names.map((n) => `${n} GF/s`), ...ratioCols.map((n) => `${n} ×`), ...(opt["no-stub"] ? [] : names.map((n) => `${n} pack%`)), "packA KiB", "packB KiB"];
const rows = [];
const totals = {};
for (const cell of cells) {
  const t = (name) => median(cell.runs.find((r) => r.build.name === name).samples);
  const row = [cell.w, cell.label, `${cell.m}x${cell.k}x${cell.n}`, cell.ta ? "Aᵀ·B" : cell.tb ? "A·Bᵀ" : "A·B"];
  for (const n of names) row.push((cell.flops / t(n) / 1e9).toFixed(1));
  for (const n of ratioCols) row.push(speedup(cell, n).toFixed(2));
  if (!opt["no-stub"]) for (const n of names) row.push(`${Math.max(0, (100 * (t(n) - t(`${n} no-pack`))) / t(n)).toFixed(0)}%`);
  row.push((cell.packA / 1024).toFixed(0), (cell.packB / 1024).toFixed(0));
  rows.push(row);
  const tot = (totals[cell.w] ??= { flops: 0, t: Object.fromEntries(names.map((n) => [n, 0])) });
  tot.flops += cell.flops;
  for (const n of names) tot.t[n] += t(n);
}
for (const [w, tot] of Object.entries(totals)) {
  rows.push([w, "step", "", "", ...names.map((n) => (tot.flops / tot.t[n] / 1e9).toFixed(1)), ...ratioCols.map((n) => (tot.t[names[0]] / tot.t[n]).toFixed(2)), ...(opt["no-stub"] ? [] : names.map(() => "")), "", ""]);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
console.log(`Node ${process.version}, ${relaxed ? "relaxed-SIMD (FMA)" : "plain SIMD128"} builds (${builds.map((b) => `${b.name} ${b.bytes} B`).join(", ")}); median of ${rounds} interleaved rounds`);
console.log(header.map((h, i) => (i < 4 ? h.padEnd(widths[i]) : h.padStart(widths[i]))).join("  "));
for (const r of rows) console.log(r.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
