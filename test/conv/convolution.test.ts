// conv2d and its two gradient ops: forward values against a direct loop written here, gradients
// (first and second order) against float64 central differences, the WebAssembly path against
// the TypeScript one, and the errors a user meets.
import { afterEach, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

type Pad = "valid" | "same" | [[number, number], [number, number]];
let seed = 100;
const normal = (shape: number[], dtype: "float32" | "float64" = "float64") => gt.randomNormal(shape, { seed: seed++, dtype });

/** TensorFlow's padding rule, written out independently of the library. */
function pads(size: number, k: number, stride: number, dilation: number, padding: Pad, axis: 0 | 1): [number, number, number] {
  const span = (k - 1) * dilation + 1;
  if (padding === "valid") return [0, 0, Math.floor((size - span) / stride) + 1];
  if (padding === "same") {
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + span - size);
    return [Math.floor(total / 2), total - Math.floor(total / 2), out];
  }
  const [a, b] = padding[axis];
  return [a, b, Math.floor((size + a + b - span) / stride) + 1];
}

/** The convolution by its definition: seven nested loops. */
function naiveConv(x: Tensor, w: Tensor, s: [number, number], padding: Pad, d: [number, number]): { values: number[]; shape: number[] } {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , oc] = w.shape;
  const [top, , oh] = pads(h, kh, s[0], d[0], padding, 0);
  const [left, , ow] = pads(wd, kw, s[1], d[1], padding, 1);
  const xv = x.data(), wv = w.data();
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < oc; o++) {
    let acc = 0;
    for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) for (let ch = 0; ch < c; ch++) {
      const y = i * s[0] - top + p * d[0];
      const z = j * s[1] - left + q * d[1];
      if (y < 0 || y >= h || z < 0 || z >= wd) continue;
      acc += xv[((b * h + y) * wd + z) * c + ch] * wv[((p * kw + q) * c + ch) * oc + o];
    }
    out.push(acc);
  }
  return { values: out, shape: [n, oh, ow, oc] };
}

interface Case { name: string; x: number[]; f: number[]; s: number | [number, number]; p: Pad; d: number | [number, number] }
const CASES: Case[] = [
  { name: "3×3 valid stride 1", x: [2, 5, 6, 3], f: [3, 3, 3, 2], s: 1, p: "valid", d: 1 },
  { name: "3×3 same stride 1", x: [2, 5, 6, 3], f: [3, 3, 3, 2], s: 1, p: "same", d: 1 },
  { name: "3×3 same stride 2 (odd pad at bottom/right)", x: [1, 7, 6, 2], f: [3, 3, 2, 3], s: 2, p: "same", d: 1 },
  { name: "2×2 same stride 2 (even input)", x: [2, 6, 6, 1], f: [2, 2, 1, 2], s: 2, p: "same", d: 1 },
  { name: "3×2 valid stride 3", x: [1, 8, 7, 2], f: [3, 2, 2, 2], s: 3, p: "valid", d: 1 },
  { name: "stride [2, 1]", x: [2, 7, 5, 2], f: [3, 3, 2, 2], s: [2, 1], p: "same", d: 1 },
  { name: "explicit padding", x: [1, 5, 5, 2], f: [3, 3, 2, 2], s: 1, p: [[1, 2], [0, 1]], d: 1 },
  { name: "dilation 2 valid", x: [1, 7, 8, 2], f: [3, 3, 2, 2], s: 1, p: "valid", d: 2 },
  { name: "dilation 2 same stride 2", x: [2, 7, 7, 1], f: [2, 3, 1, 2], s: 2, p: "same", d: 2 },
  { name: "1×1 pointwise", x: [2, 4, 3, 5], f: [1, 1, 5, 3], s: 1, p: "valid", d: 1 },
  { name: "1×1 stride 2", x: [1, 5, 5, 3], f: [1, 1, 3, 2], s: 2, p: "valid", d: 1 },
  { name: "full-size kernel", x: [2, 4, 5, 2], f: [4, 5, 2, 3], s: 1, p: "valid", d: 1 },
  { name: "batch 1, 5 channels (not a multiple of 4)", x: [1, 6, 5, 5], f: [3, 3, 5, 7], s: 1, p: "same", d: 1 },
];

const asPair = (v: number | [number, number]): [number, number] => (typeof v === "number" ? [v, v] : v);

describe("conv2d forward", () => {
  for (const c of CASES) {
    it(`matches the direct loop: ${c.name}`, () => {
      const x = normal(c.x), w = normal(c.f);
      const y = gt.conv2d(x, w, c.s, c.p, c.d);
      const ref = naiveConv(x, w, asPair(c.s), c.p, asPair(c.d));
      expect(y.shape).toEqual(ref.shape);
      const got = Array.from(y.data());
      got.forEach((v, i) => expect(v).toBeCloseTo(ref.values[i], 12));
    });
  }

  it("takes one image of rank 3 and gives rank 3", () => {
    const x = normal([5, 5, 2]), w = normal([3, 3, 2, 4]);
    const y = gt.conv2d(x, w, 1, "same");
    expect(y.shape).toEqual([5, 5, 4]);
    expect(Array.from(y.data())).toEqual(Array.from(gt.conv2d(x.reshape([1, 5, 5, 2]), w, 1, "same").data()));
  });

  it("is a Tensor method", () => {
    const x = normal([1, 4, 4, 1]), w = normal([2, 2, 1, 1]);
    expect(Array.from(x.conv2d(w, 2).data())).toEqual(Array.from(gt.conv2d(x, w, 2).data()));
  });
});

const TOL = 1e-7;
function expectGradient(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = gt.checkGradients(fn, inputs);
  expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(TOL);
  expect(r.analytic.every((g) => g.abs().max().item() > 1e-3)).toBe(true);
}

describe("conv2d gradients against central differences (float64)", () => {
  for (const c of CASES) {
    it(`dx and dfilter: ${c.name}`, () => {
      expectGradient((x, w) => gt.conv2d(x, w, c.s, c.p, c.d), [normal(c.x), normal(c.f)]);
    });
  }

  it("fused.conv2d with bias and each activation", () => {
    for (const activation of ["linear", "relu", "sigmoid", "tanh"] as const) {
      // Values kept away from relu's kink: the bias shifts every output by at least ±0.3.
      expectGradient((x, w, b) => gt.fused.conv2d({ x, filter: w, bias: b, activation, padding: "same", strides: 2 }),
        [normal([2, 5, 5, 2]), normal([3, 3, 2, 3]), gt.tensor([0.7, -0.9, 0.4], [3], "float64")]);
    }
  });

  it("second order: the gradient of the gradient, through all three ops", () => {
    for (const c of [CASES[2], CASES[5], CASES[8]]) {
      const r = normal([c.x[0], ...naiveConv(normal(c.x), normal(c.f), asPair(c.s), c.p, asPair(c.d)).shape.slice(1)]);
      const rx = normal(c.x), rw = normal(c.f);
      // The result is linear in the first gradients (a cubic in x and w): large enough to carry
      // every second-order term, small enough that rounding stays far below the tolerance.
      expectGradient((x, w) => {
        const inner = new gt.GradientTape();
        inner.watch([x, w]);
        const y = inner.record(() => gt.sum(gt.mul(gt.square(gt.conv2d(x, w, c.s, c.p, c.d)), r)));
        const [dx, dw] = inner.gradient(y, [x, w]);
        return gt.add(gt.sum(gt.mul(dx, rx)), gt.sum(gt.mul(dw, rw)));
      }, [normal(c.x), normal(c.f)]);
    }
  });

  it("conv2dBackpropInput and conv2dBackpropFilter are differentiable in both arguments", () => {
    const x = normal([2, 6, 5, 2]), w = normal([3, 2, 2, 3]);
    const dy = normal([2, 3, 3, 3]);
    expectGradient((d, f) => gt.conv2dBackpropInput(x.shape, d, f, 2, "same"), [dy, w]);
    expectGradient((a, d) => gt.conv2dBackpropFilter(a, d, w.shape, 2, "same"), [x, dy]);
  });
});

describe("conv2d kernels: WebAssembly against the TypeScript path (float32)", () => {
  afterEach(() => gt.setBackend("wasm"));
  for (const c of [CASES[1], CASES[2], CASES[7], CASES[9], CASES[12]]) {
    it(`forward and both gradients agree: ${c.name}`, () => {
      const x = normal(c.x, "float32"), w = normal(c.f, "float32");
      const run = () => {
        const tape = new gt.GradientTape();
        tape.watch([x, w]);
        const y = tape.record(() => gt.conv2d(x, w, c.s, c.p, c.d));
        const loss = tape.record(() => gt.sum(gt.square(y)));
        return [y, ...tape.gradient(loss, [x, w])].map((t) => Array.from(t.data()));
      };
      gt.setBackend("wasm");
      const fast = run();
      gt.setBackend("js");
      const reference = run();
      fast.forEach((arr, k) => arr.forEach((v, i) => expect(Math.abs(v - reference[k][i])).toBeLessThan(1e-4 * (1 + Math.abs(reference[k][i])))));
    });
  }

  it("a batch larger than one column-matrix chunk gives the same values as image by image", () => {
    // 40 images of 64×64×4 under a 3×3 window: 40·62·62·36 ≈ 5.5M column entries, over the 4M chunk.
    const x = normal([40, 64, 64, 4], "float32"), w = normal([3, 3, 4, 2], "float32");
    const whole = gt.conv2d(x, w).data();
    const first = gt.conv2d(x.slice([0], [1]), w).data();
    const last = gt.conv2d(x.slice([39], [1]), w).data();
    expect(Array.from(whole.subarray(0, first.length))).toEqual(Array.from(first));
    expect(Array.from(whole.subarray(whole.length - last.length))).toEqual(Array.from(last));
  });
});

describe("conv2d errors name the op, the argument and the shapes", () => {
  const x = gt.zeros([1, 5, 5, 3]);
  const w = gt.zeros([3, 3, 3, 2]);
  it.each([
    ["inChannels differ", () => gt.conv2d(x, gt.zeros([3, 3, 2, 4])), /conv2d: the input has 3 channels \(x \[1, 5, 5, 3\]\) but the filter expects inChannels 2 \(filter \[3, 3, 2, 4\]\)/],
    ["window larger than the padded input", () => gt.conv2d(x, gt.zeros([7, 3, 3, 2])), /conv2d: the window's height 7 is larger than the padded input's height 5/],
    ["dilated window too large", () => gt.conv2d(x, w, 1, "valid", 3), /conv2d: the window's height 7 \(3 dilated by 3\) is larger than the padded input's height 5/],
    ["rank 2 input", () => gt.conv2d(gt.zeros([5, 5]), w), /conv2d: x must be rank 4 \[batch, height, width, channels\] or rank 3 \[height, width, channels\], got rank 2 \[5, 5\]/],
    ["rank 5 input", () => gt.conv2d(gt.zeros([1, 1, 5, 5, 3]), w), /conv2d: x must be rank 4 .* got rank 5 \[1, 1, 5, 5, 3\]/],
    ["rank 3 filter", () => gt.conv2d(x, gt.zeros([3, 3, 3])), /conv2d: filter must be rank 4 \[filterHeight, filterWidth, inChannels, outChannels\], got \[3, 3, 3\]/],
    ["strides 0", () => gt.conv2d(x, w, 0), /conv2d: strides must be a positive integer or \[height, width\] of positive integers, got 0/],
    ["negative stride", () => gt.conv2d(x, w, [1, -2]), /conv2d: strides must be .* got \[1,-2\]/],
    ["fractional dilation", () => gt.conv2d(x, w, 1, "valid", 1.5), /conv2d: dilations must be .* got 1.5/],
    ["unknown padding string", () => gt.conv2d(x, w, 1, "full" as never), /conv2d: padding must be 'valid', 'same' or \[\[top, bottom\], \[left, right\]\] of non-negative integers, got "full"/],
    ["negative explicit padding", () => gt.conv2d(x, w, 1, [[1, -1], [0, 0]]), /conv2d: padding must be .* got \[\[1,-1\],\[0,0\]\]/],
    ["float32 with float64", () => gt.conv2d(x, gt.zeros([3, 3, 3, 2], "float64")), /conv2d: dtype mismatch: x is float32 and filter is float64/],
    ["bias of the wrong size", () => gt.fused.conv2d({ x, filter: w, bias: gt.zeros([3]) }), /fused.conv2d: bias must be float32 of shape \[2\] \(one value per output channel\)/],
    ["dy of the wrong shape", () => gt.conv2dBackpropInput([1, 5, 5, 3], gt.zeros([1, 2, 2, 2]), w), /conv2dBackpropInput: dy must have the convolution's output shape \[1, 3, 3, 2\], got \[1, 2, 2, 2\]/],
  ])("%s", (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
