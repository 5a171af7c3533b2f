// What the relaxed-SIMD (FMA) build leaves unchanged: the kernels that do no multiply-add (the
// momentum-SGD update, the non-finite scan, relu's mask and the bias gradient) give the plain
// build's bits. Only the products may round differently (see parallel-panels.test.ts).
import { describe, it, expect, beforeAll } from "vitest";
import seedrandom from "seedrandom";
import { setFlagsFromString } from "node:v8";
import { Kernels } from "../../src/kernels/wasm/index.js";

const bits = (x: Float32Array | undefined) => Array.from(new Uint32Array(x!.buffer, x!.byteOffset, x!.length));

describe("the relaxed-SIMD build's kernels without multiply-adds", () => {
  let plain: Kernels;
  let relaxed: Kernels;
  beforeAll(() => {
    // Node 20 compiles relaxed SIMD only behind this flag; it affects modules compiled later.
    setFlagsFromString("--experimental-wasm-relaxed-simd");
    plain = new Kernels({ relaxedSimd: false });
    relaxed = new Kernels({ relaxedSimd: true });
    expect([plain.relaxedSimd, relaxed.relaxedSimd]).toEqual([false, true]);
  });

  const rng = seedrandom("relaxed-build");
  const values = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);

  it("momentum SGD gives the same weights and velocities", () => {
    const [w, g, v] = [values(1000), values(1000), values(1000)];
    for (const nesterov of [false, true]) {
      const a = plain.sgdMomentumF32(w, g, v, 0.1, 0.9, 1, 1e-4, nesterov);
      const b = relaxed.sgdMomentumF32(w, g, v, 0.1, 0.9, 1, 1e-4, nesterov);
      expect(bits(b.weight)).toEqual(bits(a.weight));
      expect(bits(b.velocity)).toEqual(bits(a.velocity));
    }
  });

  it("relu's mask and the bias gradient are the same, and so is the non-finite count", () => {
    const [m, n] = [64, 130];
    const dy = values(m * n);
    const y = values(m * n).map((v) => Math.max(v, 0));
    const needs = { a: false, b: false, bias: true };
    const [a, b] = [values(m * 3), values(3 * n)];
    const p = plain.denseBackwardF32(dy, y, a, b, m, 3, n, false, false, needs);
    const r = relaxed.denseBackwardF32(dy, y, a, b, m, 3, n, false, false, needs);
    expect(bits(r.dbias)).toEqual(bits(p.dbias));
    expect(p.dbias!.some((v) => v !== 0)).toBe(true);
    const x = values(999);
    x[17] = NaN;
    x[500] = -Infinity;
    expect([plain.countNonFiniteF32(x), relaxed.countNonFiniteF32(x)]).toEqual([2, 2]);
  });
});
