// maxPool, avgPool and moments: values against loops written here, gradients (second order too)
// against float64 central differences, and the errors for bad arguments.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

type Pad = "valid" | "same" | [[number, number], [number, number]];
let seed = 500;
const normal = (shape: number[]) => gt.randomNormal(shape, { seed: seed++, dtype: "float64" });
/** Distinct values (a shuffled ramp), so no window has a tie for its maximum within the differences' reach. */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = Array.from(normal([n]).data()).map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const values = new Array<number>(n);
  order.forEach((i, rank) => (values[i] = rank * 0.01 - n * 0.005));
  return gt.tensor(values, shape, "float64");
}

function window1d(size: number, k: number, s: number, padding: Pad, axis: 0 | 1): { before: number; out: number } {
  if (padding === "valid") return { before: 0, out: Math.floor((size - k) / s) + 1 };
  if (padding === "same") {
    const out = Math.ceil(size / s);
    return { before: Math.floor(Math.max(0, (out - 1) * s + k - size) / 2), out };
  }
  const [a, b] = padding[axis];
  return { before: a, out: Math.floor((size + a + b - k) / s) + 1 };
}

function naivePool(x: Tensor, k: [number, number], s: [number, number], padding: Pad, kind: "max" | "avg") {
  const [n, h, w, c] = x.shape;
  const rows = window1d(h, k[0], s[0], padding, 0), cols = window1d(w, k[1], s[1], padding, 1);
  const v = x.data();
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let i = 0; i < rows.out; i++) for (let j = 0; j < cols.out; j++) for (let ch = 0; ch < c; ch++) {
    const seen: number[] = [];
    for (let p = 0; p < k[0]; p++) for (let q = 0; q < k[1]; q++) {
      const y = i * s[0] - rows.before + p, z = j * s[1] - cols.before + q;
      if (y >= 0 && y < h && z >= 0 && z < w) seen.push(v[((b * h + y) * w + z) * c + ch]);
    }
    out.push(kind === "max" ? Math.max(...seen) : seen.reduce((a, t) => a + t, 0) / seen.length);
  }
  return { values: out, shape: [n, rows.out, cols.out, c] };
}

interface Case { name: string; x: number[]; k: number | [number, number]; s?: number | [number, number]; p: Pad }
const CASES: Case[] = [
  { name: "2×2 valid (strides default to the window)", x: [2, 6, 6, 3], k: 2, p: "valid" },
  { name: "2×2 valid, odd input", x: [1, 7, 5, 2], k: 2, p: "valid" },
  { name: "3×3 same stride 1", x: [2, 5, 6, 5], k: 3, s: 1, p: "same" },
  { name: "3×3 same stride 2", x: [1, 7, 6, 3], k: 3, s: 2, p: "same" },
  { name: "2×2 same stride 2, odd input", x: [1, 5, 5, 1], k: 2, s: 2, p: "same" },
  { name: "[3, 2] stride [2, 1]", x: [2, 7, 5, 2], k: [3, 2], s: [2, 1], p: "valid" },
  { name: "stride 3", x: [1, 8, 8, 2], k: 2, s: 3, p: "valid" },
  { name: "explicit padding", x: [1, 5, 6, 2], k: 3, s: 2, p: [[1, 2], [2, 0]] },
  { name: "full-size window, batch 1", x: [1, 4, 5, 3], k: [4, 5], p: "valid" },
];
const asPair = (v: number | [number, number]): [number, number] => (typeof v === "number" ? [v, v] : v);

const TOL = 1e-7;
function expectGradient(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = gt.checkGradients(fn, inputs);
  expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(TOL);
  expect(r.analytic.every((g) => g.abs().max().item() > 1e-3)).toBe(true);
}

for (const [kind, op] of [["max", gt.maxPool], ["avg", gt.avgPool]] as const) {
  describe(`${kind}Pool`, () => {
    for (const c of CASES) {
      it(`values match the loop: ${c.name}`, () => {
        const x = distinct(c.x);
        const y = op(x, c.k, c.s, c.p);
        const ref = naivePool(x, asPair(c.k), asPair(c.s ?? c.k), c.p, kind);
        expect(y.shape).toEqual(ref.shape);
        Array.from(y.data()).forEach((v, i) => expect(v).toBeCloseTo(ref.values[i], 12));
      });
      it(`gradient against central differences: ${c.name}`, () => {
        expectGradient((x) => op(x, c.k, c.s, c.p), [distinct(c.x)]);
      });
    }

    it("second order through the gradient op and its adjoint", () => {
      const r = normal([1, 3, 3, 2]);
      expectGradient((x) => {
        const inner = new gt.GradientTape();
        inner.watch(x);
        const y = inner.record(() => gt.sum(gt.mul(gt.square(op(x, 3, 2, "same")), r)));
        return gt.sum(gt.mul(inner.gradient(y, x), x));
      }, [distinct([1, 6, 5, 2])]);
    });

    it("one image of rank 3 keeps rank 3, and the method form is the same op", () => {
      const x = distinct([4, 4, 2]);
      expect(op(x, 2).shape).toEqual([2, 2, 2]);
      const method = kind === "max" ? x.maxPool(2) : x.avgPool(2);
      expect(Array.from(method.data())).toEqual(Array.from(op(x, 2).data()));
    });
  });
}

describe("avgPool with 'same' padding averages the real pixels only", () => {
  it("a corner window of a 3×3 'same' pool over ones is 1, not 4/9", () => {
    const y = gt.avgPool(gt.ones([1, 4, 4, 1], "float64"), 3, 1, "same");
    expect(Array.from(y.data())).toEqual(new Array(16).fill(1));
  });
  it("its gradient is the derivative of that forward: corner pixels of a 2×2 input", () => {
    // y is one window over the whole padded 2×2 image (3×3 'same' pool, stride 2): mean of 4 pixels.
    const x = gt.variable(gt.tensor([1, 2, 3, 4], [1, 2, 2, 1], "float64"));
    const tape = new gt.GradientTape();
    const y = tape.record(() => gt.sum(gt.avgPool(x, 3, 2, "same")));
    expect(y.item()).toBe(2.5);
    expect(Array.from(tape.gradient(y, x).data())).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe("maxPool ties and NaN", () => {
  it("a tie sends the whole gradient to the first maximum", () => {
    const x = gt.variable(gt.tensor([5, 5, 1, 5], [1, 2, 2, 1], "float64"));
    const tape = new gt.GradientTape();
    const y = tape.record(() => gt.sum(gt.maxPool(x, 2)));
    expect(Array.from(tape.gradient(y, x).data())).toEqual([1, 0, 0, 0]);
  });
  it("a NaN in a window gives NaN, as PyTorch does", () => {
    const y = gt.maxPool(gt.tensor([1, NaN, 3, 2], [1, 2, 2, 1]), 2);
    expect(Number.isNaN(y.data()[0])).toBe(true);
  });
});

describe("pooling errors name the op, the argument and the shapes", () => {
  const x = gt.zeros([1, 5, 5, 3]);
  it.each([
    ["window larger than the input", () => gt.maxPool(x, 6), /maxPool: the window's height 6 is larger than the padded input's height 5/],
    ["rank 2 input", () => gt.avgPool(gt.zeros([4, 4]), 2), /avgPool: x must be rank 4 \[batch, height, width, channels\] or rank 3 \[height, width, channels\], got rank 2 \[4, 4\]/],
    ["rank 5 input", () => gt.maxPool(gt.zeros([1, 1, 4, 4, 1]), 2), /maxPool: x must be rank 4 .* got rank 5/],
    ["filter size 0", () => gt.maxPool(x, 0), /maxPool: filterSize must be a positive integer or \[height, width\] of positive integers, got 0/],
    ["strides 0", () => gt.avgPool(x, 2, 0), /avgPool: strides must be a positive integer .* got 0/],
    ["fractional size", () => gt.maxPool(x, [2, 1.5]), /maxPool: filterSize must be .* got \[2,1.5\]/],
    ["unknown padding string", () => gt.maxPool(x, 2, 2, "SAME" as never), /maxPool: padding must be 'valid', 'same' or \[\[top, bottom\], \[left, right\]\] of non-negative integers, got "SAME"/],
    ["padding as large as the window", () => gt.avgPool(x, 2, 1, [[2, 0], [0, 0]]), /avgPool: explicit padding \[\[2,0\],\[0,0\]\] must be smaller than the window \[2, 2\] on every side/],
  ])("%s", (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe("moments", () => {
  it("gives the mean and the biased variance per channel of an NHWC batch", () => {
    const x = normal([3, 2, 2, 4]);
    const { mean, variance } = gt.moments(x, [0, 1, 2]);
    expect(mean.shape).toEqual([4]);
    const v = x.data();
    for (let ch = 0; ch < 4; ch++) {
      const col: number[] = [];
      for (let i = ch; i < v.length; i += 4) col.push(v[i]);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      expect(mean.data()[ch]).toBeCloseTo(m, 12);
      expect(variance.data()[ch]).toBeCloseTo(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length, 12);
    }
  });
  it("keepDims keeps the reduced axes; the method form agrees", () => {
    const x = normal([2, 3]);
    const k = x.moments(1, true);
    expect(k.mean.shape).toEqual([2, 1]);
    expect(k.variance.shape).toEqual([2, 1]);
  });
  it("both results are differentiable", () => {
    expectGradient((x) => gt.moments(x, [0, 2]).mean, [normal([3, 2, 4])]);
    expectGradient((x) => gt.moments(x, [0, 2]).variance, [normal([3, 2, 4])]);
  });
  it("names a bad axis", () => {
    expect(() => gt.moments(gt.zeros([2, 3]), 2)).toThrow(/moments: axis 2 is out of range/);
  });
});
