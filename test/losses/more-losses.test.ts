// The Keras losses beyond the cross-entropies: values against numbers worked out by hand and
// against naive loops over Keras' formulas, gradients against finite differences in float64.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const f64 = (values: number[][]): Tensor => gt.tensor(values, undefined, "float64");
const rows = (t: Tensor): number[][] => t.toArray() as number[][];
let seed = 7;
const normal = (shape: number[]) => gt.randomNormal(shape, { seed: seed++, dtype: "float64" });
const uniform = (shape: number[], minval: number, maxval: number) => gt.randomUniform(shape, { minval, maxval, seed: seed++, dtype: "float64" });

/** Keras' reduction written out: `perRow` of each row of the last axis, then the mean of the rows. */
function naive(yTrue: Tensor, yPred: Tensor, perRow: (t: number[], p: number[]) => number): number {
  const t = rows(yTrue);
  const p = rows(yPred);
  return t.reduce((s, row, i) => s + perRow(row, p[i]), 0) / t.length;
}
const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function expectGradient(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = gt.checkGradients(fn, inputs);
  expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(1e-7);
  expect(r.analytic.some((g) => g.abs().max().item() > 1e-3)).toBe(true);
}

describe("meanAbsoluteError", () => {
  it("is the mean of |yPred − yTrue|, by hand", () => {
    // |1.5 − 1| + |1 − 2| + |−1 − 0| + |3 − 3| = 0.5 + 1 + 1 + 0 = 2.5, over 4 elements
    expect(gt.losses.meanAbsoluteError([[1, 2], [0, 3]], f64([[1.5, 1], [-1, 3]])).item()).toBeCloseTo(0.625, 15);
  });

  it("equals Keras' mean over the last axis then over the batch", () => {
    const t = normal([5, 3]);
    const p = normal([5, 3]);
    const expected = naive(t, p, (a, b) => meanOf(a.map((ai, j) => Math.abs(b[j] - ai))));
    expect(gt.losses.meanAbsoluteError(t, p).item()).toBeCloseTo(expected, 14);
  });

  it("has the gradient sign(yPred − yTrue) / n", () => {
    const t = normal([4, 3]);
    expectGradient((p) => gt.losses.meanAbsoluteError(t, p), [normal([4, 3]).add(t)]);
  });
});

describe("huber", () => {
  it("is quadratic inside delta and linear outside, by hand", () => {
    // errors 0.5, −2, 3 with delta 1: 0.125, 1·(2 − 0.5) = 1.5, 1·(3 − 0.5) = 2.5 → mean 4.125/3
    expect(gt.losses.huber([[0, 0, 0]], f64([[0.5, -2, 3]])).item()).toBeCloseTo(4.125 / 3, 15);
    // delta 2: 0.125, 0.5·4 = 2, 2·(3 − 1) = 4 → mean 6.125/3
    expect(gt.losses.huber([[0, 0, 0]], f64([[0.5, -2, 3]]), { delta: 2 }).item()).toBeCloseTo(6.125 / 3, 15);
  });

  it("matches PyTorch's HuberLoss formula on random values", () => {
    const t = normal([6, 4]);
    const p = normal([6, 4]).mul(3);
    for (const delta of [0.3, 1, 2.5]) {
      const perElement = (e: number) => (Math.abs(e) <= delta ? 0.5 * e * e : delta * (Math.abs(e) - 0.5 * delta));
      const expected = naive(t, p, (a, b) => meanOf(a.map((ai, j) => perElement(b[j] - ai))));
      expect(gt.losses.huber(t, p, { delta }).item()).toBeCloseTo(expected, 14);
    }
  });

  it("has finite-difference gradients on both sides of delta", () => {
    const t = normal([4, 3]);
    expectGradient((p) => gt.losses.huber(t, p, { delta: 0.7 }), [normal([4, 3]).mul(2)]);
    expectGradient((p, q) => gt.losses.huber(q, p), [normal([4, 3]).mul(2), normal([4, 3])]);
  });

  it("rejects a bad delta or a misspelt option", () => {
    expect(() => gt.losses.huber([[0]], f64([[1]]), { delta: 0 })).toThrow("huber: delta must be a finite number > 0, got 0");
    expect(() => gt.losses.huber([[0]], f64([[1]]), { delta: Number.NaN })).toThrow("huber: delta must be a finite number > 0");
    expect(() => gt.losses.huber([[0]], f64([[1]]), { d: 1 } as never)).toThrow("huber: unknown option 'd'; known options: delta");
  });
});

describe("kullbackLeiblerDivergence (kld)", () => {
  it("sums over the last axis, then averages the rows, by hand", () => {
    const value = gt.losses.kld([[0.5, 0.5], [1, 0]], f64([[0.9, 0.1], [0.5, 0.5]])).item();
    // row 1: 0.5·ln(0.5/0.9) + 0.5·ln(0.5/0.1); row 2: 1·ln(1/0.5) + 1e-7·ln(1e-7/0.5) (0 clipped to 1e-7)
    const row1 = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(5);
    const row2 = Math.log(2) + 1e-7 * Math.log(1e-7 / 0.5);
    expect(value).toBeCloseTo((row1 + row2) / 2, 15);
    expect(gt.losses.kullbackLeiblerDivergence).toBe(gt.losses.kld);
  });

  it("clips both sides to [1e-7, 1] as Keras, so zeros give finite values", () => {
    const value = gt.losses.kld([[1, 0]], f64([[0, 1]])).item();
    // 1·ln(1/1e-7) + 1e-7·ln(1e-7/1)
    expect(value).toBeCloseTo(Math.log(1e7) + 1e-7 * Math.log(1e-7), 12);
  });

  it("equals the naive formula on random distributions, and is 0 for equal ones", () => {
    const t = gt.softmax(normal([5, 4]));
    const p = gt.softmax(normal([5, 4]));
    const expected = naive(t, p, (a, b) => a.reduce((s, ai, j) => s + ai * Math.log(ai / b[j]), 0));
    expect(gt.losses.kld(t, p).item()).toBeCloseTo(expected, 14);
    expect(gt.losses.kld(t, t).item()).toBeCloseTo(0, 15);
  });

  it("has finite-difference gradients in both arguments", () => {
    expectGradient((p, q) => gt.losses.kld(gt.softmax(q), gt.softmax(p)), [normal([3, 4]), normal([3, 4])]);
    expectGradient((p) => gt.losses.kld(f64([[0.2, 0.3, 0.5]]), p), [uniform([1, 3], 0.1, 0.9)]);
  });
});

describe("hinge", () => {
  it("is the mean of max(1 − y·ŷ, 0) for −1/1 labels, by hand", () => {
    // 1 − 0.3 = 0.7; 1 − (−1)(−2) = −1 → 0; 1 − (−1)(0.5) = 1.5; 1 − 2 = −1 → 0 → (0.7 + 1.5)/4
    expect(gt.losses.hinge([[1, -1], [-1, 1]], f64([[0.3, -2], [0.5, 2]])).item()).toBeCloseTo(2.2 / 4, 15);
  });

  it("reads labels that are all 0 or 1 as −1 and 1, as Keras", () => {
    const p = f64([[0.3, -2], [0.5, 2]]);
    expect(gt.losses.hinge([[1, 0], [0, 1]], p).item()).toBeCloseTo(gt.losses.hinge([[1, -1], [-1, 1]], p).item(), 15);
    // Labels with a −1 are used as they are: 0 stays 0 (loss 1 there).
    expect(gt.losses.hinge([[1, 0], [-1, 1]], p).item()).toBeCloseTo((0.7 + 1 + 1.5 + 0) / 4, 15);
  });

  it("has finite-difference gradients away from the kink", () => {
    const y = f64([[1, -1, 1], [-1, -1, 1]]);
    expectGradient((p) => gt.losses.hinge(y, p), [f64([[0.3, 0.2, -0.5], [0.4, -2, 1.7]])]);
  });
});

describe("cosineSimilarity", () => {
  it("is minus the cosine of each row pair, averaged, by hand", () => {
    // row 1: [1, 0]·[1, 1]/√2 = 1/√2; row 2: [0, 2] against [0, −3]: −1 → loss −(1/√2 − 1)/2
    expect(gt.losses.cosineSimilarity([[1, 0], [0, 2]], f64([[1, 1], [0, -3]])).item()).toBeCloseTo(-(Math.SQRT1_2 - 1) / 2, 15);
  });

  it("is −1 for parallel rows, 0 for a zero row (Keras' floor on the norm), and matches the naive formula", () => {
    expect(gt.losses.cosineSimilarity([[1, 2, 3]], f64([[2, 4, 6]])).item()).toBeCloseTo(-1, 15);
    expect(gt.losses.cosineSimilarity([[0, 0]], f64([[1, 2]])).item()).toBeCloseTo(0, 15);
    const t = normal([5, 3]);
    const p = normal([5, 3]);
    const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const expected = naive(t, p, (a, b) => -a.reduce((s, ai, j) => s + ai * b[j], 0) / (norm(a) * norm(b)));
    expect(gt.losses.cosineSimilarity(t, p).item()).toBeCloseTo(expected, 14);
  });

  it("has finite-difference gradients in both arguments", () => {
    expectGradient((p, q) => gt.losses.cosineSimilarity(q, p), [normal([4, 3]), normal([4, 3])]);
  });
});

describe("the new losses' errors", () => {
  it("name the loss and both shapes", () => {
    const p = f64([[1, 2, 3]]);
    for (const [name, fn] of Object.entries({
      meanAbsoluteError: gt.losses.meanAbsoluteError, huber: gt.losses.huber, kullbackLeiblerDivergence: gt.losses.kld,
      hinge: gt.losses.hinge, cosineSimilarity: gt.losses.cosineSimilarity,
    })) {
      expect(() => fn([[1, 2]], p)).toThrow(`${name}: yTrue has shape [1, 2] but yPred has shape [1, 3]; they must match`);
      expect(() => fn([[1, 2]], [[1, 2]] as never)).toThrow(`${name}: yPred must be a tensor`);
    }
    expect(() => gt.losses.cosineSimilarity(1, gt.tensor(2))).toThrow("cosineSimilarity: yPred of shape [] has no last (class) axis");
  });
});

describe("compile accepts the new losses by Keras' names", () => {
  const x = f64([[0.5, -1], [2, 0.25], [-0.75, 1]]);
  const y = f64([[1, 0], [0, 1], [1, 0]]);
  const cases: [string, (t: Tensor, p: Tensor) => Tensor][] = [
    ["mae", gt.losses.meanAbsoluteError], ["meanAbsoluteError", gt.losses.meanAbsoluteError], ["mean_absolute_error", gt.losses.meanAbsoluteError],
    ["huber", (t, p) => gt.losses.huber(t, p)], ["kld", gt.losses.kld], ["kullbackLeiblerDivergence", gt.losses.kld],
    ["kl_divergence", gt.losses.kld], ["hinge", gt.losses.hinge], ["cosineSimilarity", gt.losses.cosineSimilarity],
    ["cosine_similarity", gt.losses.cosineSimilarity],
  ];
  for (const [name, fn] of cases) {
    it(`'${name}'`, () => {
      const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [2], activation: "softmax", seed: 3, dtype: "float64" })]);
      model.compile({ optimizer: "sgd", loss: name as never, metrics: [name] });
      const logs = model.evaluate(x, y);
      const expected = fn(y, model.predict(x)).item();
      expect(logs.loss).toBeCloseTo(expected, 14);
      expect(logs[name]).toBeCloseTo(expected, 14);
    });
  }

  it("lists the new names when a loss is unknown", () => {
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [2] })]);
    expect(() => model.compile({ optimizer: "sgd", loss: "mean_abs" as never })).toThrow(/known losses: .*meanAbsoluteError, huber, kullbackLeiblerDivergence, hinge, cosineSimilarity/);
  });
});
