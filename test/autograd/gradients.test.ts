// Every differentiable op's gradient against central finite differences in float64, on the
// broadcasting patterns and axis/keepDims variants the issue lists.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const TOL = 1e-7;
let seed = 1;
const normal = (shape: number[]) => gt.randomNormal(shape, { seed: seed++, dtype: "float64" });
const positive = (shape: number[]) => gt.randomUniform(shape, { minval: 0.5, maxval: 2, seed: seed++, dtype: "float64" });
/** Values at least 0.1 away from zero, so kinks at 0 stay out of the finite differences' reach. */
const awayFromZero = (shape: number[]) => {
  const x = normal(shape);
  return x.add(x.sign().mul(0.1));
};

function expectGradient(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = gt.checkGradients(fn, inputs);
  expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(TOL);
  // A zero gradient everywhere would pass trivially; every case here has some signal.
  expect(r.analytic.some((g) => g.abs().max().item() > 1e-3)).toBe(true);
}

const PATTERNS: [string, number[], number[]][] = [
  ["same shape [3, 4]", [3, 4], [3, 4]],
  ["[3, 4] with [4]", [3, 4], [4]],
  ["[3, 1] with [1, 4]", [3, 1], [1, 4]],
  ["scalar with matrix", [], [3, 4]],
  ["matrix with scalar", [3, 4], []],
  ["[2, 3, 4] with [3, 1]", [2, 3, 4], [3, 1]],
];

describe("binary elementwise ops, every broadcasting pattern", () => {
  for (const [pattern, sa, sb] of PATTERNS) {
    it(`add, sub, mul: ${pattern}`, () => {
      expectGradient((a, b) => gt.add(a, b), [normal(sa), normal(sb)]);
      expectGradient((a, b) => gt.sub(a, b), [normal(sa), normal(sb)]);
      expectGradient((a, b) => gt.mul(a, b), [normal(sa), normal(sb)]);
    });
    it(`div: ${pattern}`, () => expectGradient((a, b) => gt.div(a, b), [normal(sa), positive(sb)]));
    it(`pow with a tensor exponent: ${pattern}`, () => expectGradient((a, b) => gt.pow(a, b), [positive(sa), normal(sb)]));
    it(`maximum, minimum: ${pattern}`, () => {
      // a sits on quarter points and b on whole numbers, so no broadcast pair is within 0.25 of a tie.
      const grid = (shape: number[], shift: number) => {
        const v = Array.from(normal(shape).data(), (x) => Math.round(2 * x) + shift);
        return gt.tensor(v, shape, "float64");
      };
      const a = grid(sa, 0.25);
      const b = grid(sb, 0);
      expectGradient((x, y) => gt.maximum(x, y), [a, b]);
      expectGradient((x, y) => gt.minimum(x, y), [a, b]);
    });
  }
});

describe("maximum and minimum at ties", () => {
  // A tie splits the gradient evenly (PyTorch's rule, as max over [a, b] does): exactly what
  // central differences measure there, (max(a + h, a) − max(a − h, a)) / 2h = 1/2.
  it("send half of the gradient to each input where a = b, all of it to the winner elsewhere", () => {
    const a = gt.tensor([1, 2, 3, -0], undefined, "float64");
    const b = gt.tensor([1, 5, 0, 0], undefined, "float64");
    for (const [op, win] of [[gt.maximum, [0.5, 0, 1, 0.5]], [gt.minimum, [0.5, 1, 0, 0.5]]] as const) {
      const tape = new gt.GradientTape();
      tape.watch([a, b]);
      const y = tape.record(() => op(a, b).sum());
      const [da, db] = tape.gradient(y, [a, b]);
      expect(Array.from(da!.data())).toEqual(win);
      expect(Array.from(db!.data())).toEqual(win.map((w) => 1 - w));
      expectGradient((x, z) => op(x, z), [a, b]);
    }
  });

  it("give the exact gradient of a smooth composition with a tie in it (binary cross-entropy from logits at 0)", () => {
    // maximum(x, 0) − x·z + log(1 + exp(−|x|)) is smooth; at x = 0 its derivative is
    // sigmoid(0) − z = 0.5 − z, which needs maximum's 1/2 there (|x|' = sign(0) = 0).
    const logits = gt.tensor([[0], [0], [0.5]], undefined, "float64");
    const labels = gt.tensor([[1], [0], [1]], undefined, "float64");
    const tape = new gt.GradientTape();
    tape.watch(logits);
    const loss = tape.record(() => gt.losses.binaryCrossentropy(labels, logits, { fromLogits: true }));
    const [g] = tape.gradient(loss, [logits]);
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    expect(Array.from(g!.data())).toEqual([(0.5 - 1) / 3, 0.5 / 3, (sigmoid(0.5) - 1) / 3].map((v) => expect.closeTo(v, 14)));
    expectGradient((x) => gt.losses.binaryCrossentropy(labels, x, { fromLogits: true }), [logits]);
  });
});

describe("unary elementwise ops", () => {
  const shapes: number[][] = [[], [5], [2, 3]];
  for (const shape of shapes) {
    const s = JSON.stringify(shape);
    it(`neg, square, exp, sigmoid, tanh on ${s}`, () => {
      for (const f of [gt.neg, gt.square, gt.exp, gt.sigmoid, gt.tanh]) expectGradient((x) => f(x), [normal(shape)]);
    });
    it(`sqrt, log, pow(x, 2.5), pow(x, -1) on ${s}`, () => {
      expectGradient((x) => gt.sqrt(x), [positive(shape)]);
      expectGradient((x) => gt.log(x), [positive(shape)]);
      expectGradient((x) => gt.pow(x, 2.5), [positive(shape)]);
      expectGradient((x) => gt.pow(x, -1), [positive(shape)]);
    });
    it(`abs, relu, leakyRelu (away from 0) on ${s}`, () => {
      expectGradient((x) => gt.abs(x), [awayFromZero(shape)]);
      expectGradient((x) => gt.relu(x), [shape.length === 0 ? gt.tensor(0.7, [], "float64") : awayFromZero(shape).add(0.3)]);
      expectGradient((x) => gt.leakyRelu(x), [awayFromZero(shape)]);
      expectGradient((x) => gt.leakyRelu(x, 0.01), [awayFromZero(shape)]);
    });
  }
});

it("clipByValue, inside and outside the bounds", () => {
  expectGradient((t) => gt.clipByValue(t, -1, 1), [gt.tensor([-2.3, -0.5, 0.2, 0.7, 1.9, 0.95], [2, 3], "float64")]);
});

describe("softmax and logSoftmax on every axis", () => {
  for (const axis of [-1, 0, 1, 2]) {
    it(`axis ${axis} of [2, 3, 4]`, () => {
      expectGradient((x) => gt.softmax(x, axis), [normal([2, 3, 4])]);
      expectGradient((x) => gt.logSoftmax(x, axis), [normal([2, 3, 4])]);
    });
  }
});

describe("reductions, every axis and keepDims variant", () => {
  const axes: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2]];
  for (const axis of axes) {
    for (const keepDims of [false, true]) {
      it(`sum, mean, max, min over ${JSON.stringify(axis)} keepDims=${keepDims}`, () => {
        expectGradient((x) => gt.sum(x, axis, keepDims), [normal([2, 3, 4])]);
        expectGradient((x) => gt.mean(x, axis, keepDims), [normal([2, 3, 4])]);
        expectGradient((x) => gt.max(x, axis, keepDims), [normal([2, 3, 4])]);
        expectGradient((x) => gt.min(x, axis, keepDims), [normal([2, 3, 4])]);
      });
    }
  }
  it("max shares the gradient among ties", () => {
    const x = gt.tensor([1, 3, 3, 2], [4], "float64");
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => gt.max(x));
    expect(Array.from(tape.gradient(y, x).data())).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe("matrix and shape ops", () => {
  it("matmul, all four transpose combinations", () => {
    expectGradient((a, b) => gt.matmul(a, b), [normal([3, 4]), normal([4, 5])]);
    expectGradient((a, b) => gt.matmul(a, b, true, false), [normal([4, 3]), normal([4, 5])]);
    expectGradient((a, b) => gt.matmul(a, b, false, true), [normal([3, 4]), normal([5, 4])]);
    expectGradient((a, b) => gt.matmul(a, b, true, true), [normal([4, 3]), normal([5, 4])]);
  });
  it("matmul of a transposed view, of odd sizes, and a chain", () => {
    expectGradient((a, b) => gt.matmul(gt.transpose(a), b), [normal([7, 5]), normal([7, 3])]);
    expectGradient((a, b, c) => gt.matmul(gt.matmul(a, b), c).tanh(), [normal([5, 7]), normal([7, 6]), normal([6, 2])]);
  });
  it("reshape, transpose, expandDims, squeeze", () => {
    expectGradient((x) => gt.reshape(x, [4, -1]), [normal([2, 3, 4])]);
    expectGradient((x) => gt.transpose(x), [normal([2, 3, 4])]);
    expectGradient((x) => gt.transpose(x, [1, 2, 0]).mul(gt.transpose(x, [1, 2, 0])), [normal([2, 3, 4])]);
    const w = normal([3, 2, 1]);
    expectGradient((x) => gt.expandDims(x, 1).mul(w), [normal([3, 1])]);
    expectGradient((x) => gt.squeeze(x), [normal([3, 1, 2])]);
  });
  it("broadcastTo", () => {
    expectGradient((x) => gt.broadcastTo(x, [2, 3, 4]), [normal([3, 1])]);
    expectGradient((x) => gt.broadcastTo(x, [3, 4]), [normal([])]);
  });
  it("slice and pad", () => {
    expectGradient((x) => gt.slice(x, [1, 0, 2], [1, -1, 2]), [normal([2, 3, 4])]);
    expectGradient((x) => gt.slice(x, [1], [2]), [normal([4, 3])]);
    expectGradient((x) => gt.pad(x, [[1, 0], [2, 3]]), [normal([2, 3])]);
  });
  it("concat along each axis", () => {
    expectGradient((a, b) => gt.concat([a, b], 0), [normal([2, 3]), normal([1, 3])]);
    expectGradient((a, b, c) => gt.concat([a, b, c], 1), [normal([2, 3]), normal([2, 1]), normal([2, 2])]);
    expectGradient((a, b) => gt.concat([a, b], -1), [normal([2, 2, 2]), normal([2, 2, 3])]);
  });
  it("gather with repeated indices, on axis 0 and 1, and unsortedSegmentSum", () => {
    const idx = gt.tensor([2, 0, 2, 1], [4], "int32");
    expectGradient((x) => gt.gather(x, idx), [normal([3, 2])]);
    expectGradient((x) => gt.gather(x, gt.tensor([[1, 1], [0, 2]], undefined, "int32"), 1), [normal([2, 3, 2])]);
    expectGradient((x) => gt.unsortedSegmentSum(x, idx, 3), [normal([4, 2])]);
  });
});

describe("losses", () => {
  const labels = gt.tensor([2, 0, 1, 2], [4], "int32");
  it("sparse and categorical cross-entropy, from logits and from probabilities", () => {
    expectGradient((x) => gt.losses.sparseCategoricalCrossentropy(labels, x, { fromLogits: true }), [normal([4, 3])]);
    expectGradient((x) => gt.losses.sparseCategoricalCrossentropy(labels, gt.softmax(x)), [normal([4, 3])]);
    const onehot = gt.oneHot(labels, 3).cast("float64");
    expectGradient((x) => gt.losses.categoricalCrossentropy(onehot, x, { fromLogits: true }), [normal([4, 3])]);
    expectGradient((x) => gt.losses.categoricalCrossentropy(onehot, gt.softmax(x)), [normal([4, 3])]);
  });
  it("binary cross-entropy and mean squared error", () => {
    const z = gt.tensor([[1], [0], [1], [0]], undefined, "float64");
    expectGradient((x) => gt.losses.binaryCrossentropy(z, x, { fromLogits: true }), [normal([4, 1])]);
    expectGradient((x) => gt.losses.binaryCrossentropy(z, gt.sigmoid(x)), [normal([4, 1])]);
    expectGradient((x, y) => gt.losses.meanSquaredError(y, x), [normal([4, 2]), normal([4, 2])]);
  });
});

describe("checkGradients itself", () => {
  it("catches a wrong gradient rule", () => {
    // x * stopGradient(x) has true derivative x + x, but the tape only sees one of the factors.
    const r = gt.checkGradients((x) => x.mul(gt.stopGradient(x)), [gt.tensor([1.5, -2], [2], "float64")]);
    expect(r.maxRelativeError).toBeGreaterThan(0.1);
  });
});
