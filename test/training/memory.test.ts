// 10,000 training steps of a 784-128-10 MLP grow neither the WebAssembly memory past its bound nor
// the JavaScript heap: through model.fit, whose pause after every batch lets finalizers return
// result blocks, and through a synchronous loop, in which none can run and results go to the heap
// once the resident budget is used up. Child processes (compiled dist/, `node --expose-gc`) so that the
// heap can be measured after full collections.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const child = join(root, "test/training/memory-child.mjs");

interface Sample { step: number; wasmBytes: number; heapUsed: number; freedBlocks: number; residentResults: number }

function run(mode: "fit" | "loop"): Sample[] {
  expect(existsSync(join(root, "dist/index.js")), "run `npm run build` first").toBe(true);
  const r = spawnSync(process.execPath, ["--expose-gc", child, mode], { cwd: root, encoding: "utf8", timeout: 120_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.trim().split("\n").map((line) => JSON.parse(line) as Sample);
}

/**
 * Memory bounded: the WebAssembly memory within twice the 64 MiB budget of result blocks (it grows
 * by half its size at a time), and no larger at the end than after the warm-up when `settles` (no
 * collection can free a block mid-loop, so the budget is used up in the first 1,000 steps); the
 * heap after a full collection not growing.
 */
function expectBounded(samples: Sample[], settles: boolean): void {
  expect(samples.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => k * 1000));
  for (const s of samples) expect(s.wasmBytes, `WebAssembly memory at step ${s.step}`).toBeLessThanOrEqual(128 * 2 ** 20);
  if (settles) for (const s of samples) expect(s.wasmBytes, `WebAssembly memory at step ${s.step}`).toBe(samples[0].wasmBytes);
  // A few hundred KB of compiled code and caches settle in the first thousands of steps; a leak of
  // one small object per step would add more than 1 MB.
  const settled = samples[1].heapUsed;
  expect(samples[samples.length - 1].heapUsed - settled, "heap growth from step 2,000 to 10,000").toBeLessThan(2 ** 20);
}

describe("10,000 training steps", () => {
  it("through model.fit keep memory flat and recycle result blocks", () => {
    const samples = run("fit");
    // How soon a collection returns blocks is up to the engine; when it is late, results take
    // more of the budget (or, once it is used up, the heap), never more memory than the bound.
    expectBounded(samples, false);
    // Finalizers ran between batches: most results took a recycled block.
    const last = samples[samples.length - 1];
    expect(last.freedBlocks).toBeGreaterThan(last.residentResults / 2);
  }, 120_000);

  it("in a synchronous loop keep memory flat", () => {
    expectBounded(run("loop"), true);
  }, 120_000);
});
