import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const x = gt.tensor([[-2, -0.5, 0, 0.5, 3]]);
const flat = (t: gt.Tensor) => Array.from(t.data());

describe("activation layers", () => {
  it("relu, sigmoid, tanh apply the function elementwise", () => {
    expect(flat(gt.layers.relu().apply(x))).toEqual([0, 0, 0, 0.5, 3]);
    const s = flat(gt.layers.sigmoid().apply(x));
    [-2, -0.5, 0, 0.5, 3].forEach((v, i) => expect(s[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6));
    const t = flat(gt.layers.tanh().apply(x));
    [-2, -0.5, 0, 0.5, 3].forEach((v, i) => expect(t[i]).toBeCloseTo(Math.tanh(v), 6));
  });

  it("softmax normalizes along the last axis, or the axis given", () => {
    const p = gt.layers.softmax().apply(gt.tensor([[1, 2, 3], [0, 0, 0]]));
    const rows = p.toArray() as number[][];
    rows.forEach((r) => expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
    expect(rows[1]).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    expect(rows[0][2] / rows[0][1]).toBeCloseTo(Math.E, 5);
    const cols = gt.layers.softmax({ axis: 0 }).apply(gt.tensor([[1, 5], [1, 5]])).toArray();
    expect(cols).toEqual([[0.5, 0.5], [0.5, 0.5]]);
  });

  it("leakyRelu defaults to Keras' layer slope 0.3, and takes alpha", () => {
    expect(flat(gt.layers.leakyRelu().apply(gt.tensor([[-10, 2]])))).toEqual([-3, 2].map(Math.fround));
    expect(flat(gt.layers.leakyRelu({ alpha: 0.1 }).apply(gt.tensor([[-10, 2]])))).toEqual([-1, 2].map(Math.fround));
    // the activation name uses gt.leakyRelu's 0.2, like Keras' activations.leaky_relu
    const d = gt.layers.dense({ units: 1, activation: "leaky_relu" as never, kernelInitializer: "ones", useBias: false });
    expect(flat(d.apply(gt.tensor([[-10]])))).toEqual([-2]);
    expect(d.activation).toBe("leakyRelu");
  });

  it("names its kind for summaries and configs, and passes gradients", () => {
    expect([gt.layers.relu(), gt.layers.sigmoid(), gt.layers.tanh(), gt.layers.softmax(), gt.layers.leakyRelu()].map((l) => l.className))
      .toEqual(["ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU"]);
    expect(gt.layers.relu({ name: "r" }).toJSON()).toEqual({ className: "ReLU", config: { name: "r", trainable: true, dtype: "float32", activation: "relu" } });
    const input = gt.tensor([[-1, 2]]);
    const tape = new gt.GradientTape();
    tape.watch(input);
    const y = tape.record(() => gt.layers.relu().apply(input).sum());
    expect(flat(tape.gradient(y, input))).toEqual([0, 1]);
  });

  it("lists the known names for an unknown activation", () => {
    expect(() => gt.layers.activation({ activation: "swish" as never })).toThrow('unknown activation "swish"; known activations: relu, sigmoid, tanh, softmax, leakyRelu, linear');
    expect(() => gt.layers.getActivation("elu")).toThrow(/known activations/);
    expect(gt.layers.ACTIVATION_NAMES).toEqual(["relu", "sigmoid", "tanh", "softmax", "leakyRelu", "linear"]);
    expect(flat(gt.layers.activation({ activation: "linear" }).apply(x))).toEqual(flat(x));
  });
});

describe("layers.dropout", () => {
  const ones = gt.ones([100, 100]);

  it("is the identity unless training", () => {
    const d = gt.layers.dropout({ rate: 0.5, seed: 1 });
    expect(d.apply(ones)).toBe(ones);
    expect(d.apply(ones, { training: false })).toBe(ones);
  });

  it("zeroes about `rate` of the inputs and scales the rest by 1/(1-rate)", () => {
    const y = flat(gt.layers.dropout({ rate: 0.25, seed: 3 }).apply(ones, { training: true }));
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(Math.abs(kept.length / y.length - 0.75)).toBeLessThan(0.015);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
  });

  it("draws a new mask each call, the same sequence of masks for the same seed", () => {
    const a = gt.layers.dropout({ rate: 0.5, seed: 42 });
    const b = gt.layers.dropout({ rate: 0.5, seed: 42 });
    const a1 = flat(a.apply(ones, { training: true }));
    const a2 = flat(a.apply(ones, { training: true }));
    expect(a2).not.toEqual(a1);
    expect(flat(b.apply(ones, { training: true }))).toEqual(a1);
    expect(flat(b.apply(ones, { training: true }))).toEqual(a2);
    expect(flat(gt.layers.dropout({ rate: 0.5, seed: 43 }).apply(ones, { training: true }))).not.toEqual(a1);
  });

  it("sends the gradient through the kept inputs only, scaled", () => {
    const x = gt.randomNormal([8, 8], { seed: 1 });
    const d = gt.layers.dropout({ rate: 0.5, seed: 5 });
    const tape = new gt.GradientTape();
    tape.watch(x);
    let y!: gt.Tensor;
    const s = tape.record(() => (y = d.apply(x, { training: true })).sum());
    const g = flat(tape.gradient(s, x));
    const out = flat(y);
    g.forEach((v, i) => expect(v).toBe(out[i] === 0 ? 0 : 2));
  });

  it("rejects a rate outside [0, 1)", () => {
    expect(() => gt.layers.dropout({ rate: 1 })).toThrow("dropout: rate must be a number in [0, 1), got 1");
    expect(() => gt.layers.dropout({ rate: -0.1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(gt.layers.dropout({ rate: 0 }).apply(ones, { training: true })).toBe(ones);
  });
});

describe("layers.flatten", () => {
  it("keeps the batch axis and joins the others, values in row-major order", () => {
    const x = gt.tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    const f = gt.layers.flatten();
    const y = f.apply(x);
    expect(y.shape).toEqual([2, 6]);
    expect(y.toArray()).toEqual([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    expect(f.computeOutputShape([null, 28, 28])).toEqual([null, 784]);
    expect(f.countParams()).toBe(0);
  });
});
