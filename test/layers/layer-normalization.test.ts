// Layer normalization with Keras' semantics: each sample normalized over its own feature axes,
// against a loop written here; PyTorch's nn.LayerNorm as the trailing-axes case with eps 1e-5;
// gradients (input, gamma, beta) against central differences in float64; weights and save/load.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { checkWeightGradients } from "../helpers/weight-gradients.js";

const normal = (shape: number[], seed: number) => gt.randomNormal(shape, { seed, mean: 1, stddev: 2, dtype: "float64" });

/**
 * The reference: for each sample and each position outside `axes`, the mean and biased variance
 * over `axes`, then (x − mean)/√(var + ε)·gamma + beta, gamma and beta indexed by the normalized
 * axes' coordinates.
 */
function reference(x: gt.Tensor, axes: number[], epsilon: number, gamma?: number[], beta?: number[]): number[] {
  const shape = x.shape, v = x.data();
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const coords = (i: number) => shape.map((dim, d) => Math.floor(i / strides[d]) % dim);
  const group = (i: number) => coords(i).map((c, d) => (axes.includes(d) ? 0 : c)).join(",");
  const paramIndex = (i: number) => axes.reduce((acc, d) => acc * shape[d] + coords(i)[d], 0);
  const sums = new Map<string, { n: number; s: number; ss: number }>();
  for (let i = 0; i < v.length; i++) {
    const g = sums.get(group(i)) ?? { n: 0, s: 0, ss: 0 };
    g.n++;
    g.s += v[i];
    sums.set(group(i), g);
  }
  for (let i = 0; i < v.length; i++) {
    const g = sums.get(group(i))!;
    g.ss += (v[i] - g.s / g.n) ** 2;
  }
  return Array.from(v, (t, i) => {
    const g = sums.get(group(i))!;
    const k = paramIndex(i);
    return ((t - g.s / g.n) / Math.sqrt(g.ss / g.n + epsilon)) * (gamma?.[k] ?? 1) + (beta?.[k] ?? 0);
  });
}

function close(actual: ArrayLike<number>, expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe("layers.layerNormalization", () => {
  it("normalizes each sample over the last axis with gamma and beta, as the reference loop", () => {
    const ln = gt.layers.layerNormalization({ dtype: "float64" });
    const x = normal([4, 5], 1);
    ln.apply(x);
    expect(ln.epsilon).toBe(1e-3);
    const gamma = [2, 0.5, -1, 1.5, 1], beta = [1, -1, 0, 0.25, 3];
    ln.gamma!.assign(gt.tensor(gamma, [5], "float64"));
    ln.beta!.assign(gt.tensor(beta, [5], "float64"));
    close(ln.apply(x).data(), reference(x, [1], 1e-3, gamma, beta));
    // No batch statistics: training gives the same, and each row does not depend on the others.
    expect(Array.from(ln.apply(x, { training: true }).data())).toEqual(Array.from(ln.apply(x).data()));
    close(ln.apply(gt.slice(x, [1, 0], [1, 5])).data(), reference(x, [1], 1e-3, gamma, beta).slice(5, 10));
  });

  it("normalizes over several axes together, contiguous or not; gamma has their sizes", () => {
    for (const axis of [[1, 2], [-3, -1], [2]]) {
      const ln = gt.layers.layerNormalization({ dtype: "float64", axis, gammaInitializer: { name: "randomNormal", stddev: 1 }, betaInitializer: { name: "randomNormal", stddev: 1 } });
      const x = normal([2, 3, 4, 2], 2);
      ln.apply(x);
      const axes = axis.map((a) => (a < 0 ? a + 4 : a)).sort();
      expect(ln.gamma!.shape).toEqual(axes.map((a) => x.shape[a]));
      close(ln.apply(x).data(), reference(x, axes, 1e-3, Array.from(ln.gamma!.data()), Array.from(ln.beta!.data())));
    }
  });

  it("PyTorch's nn.LayerNorm(normalized_shape) is axis = the trailing axes with epsilon 1e-5", () => {
    // nn.LayerNorm([4, 2]) on [2, 3, 4, 2]: statistics over the last two axes, eps = 1e-5.
    const ln = gt.layers.layerNormalization({ axis: [-2, -1], epsilon: 1e-5, dtype: "float64" });
    const x = normal([2, 3, 4, 2], 3);
    close(ln.apply(x).data(), reference(x, [2, 3], 1e-5));
    // Each normalized group has mean 0 and variance var/(var + eps), just under 1.
    const y = ln.apply(x);
    const m = gt.moments(y, [2, 3]);
    Array.from(m.mean.data()).forEach((t) => expect(Math.abs(t)).toBeLessThan(1e-12));
    Array.from(m.variance.data()).forEach((t) => expect(t).toBeCloseTo(1, 4));
  });

  it("center and scale false leave out beta and gamma", () => {
    const ln = gt.layers.layerNormalization({ center: false, scale: false, dtype: "float64" });
    const x = normal([3, 4], 4);
    close(ln.apply(x).data(), reference(x, [1], 1e-3));
    expect(ln.weights).toEqual([]);
    const only = gt.layers.layerNormalization({ center: false });
    only.apply(gt.ones([2, 3]));
    expect(only.weights.map((w) => w.name.split("/")[1])).toEqual(["gamma"]);
  });

  it("gradients in the input, gamma and beta match central differences in float64", () => {
    for (const axis of [-1, [1, 2]]) {
      const ln = gt.layers.layerNormalization({ dtype: "float64", axis, gammaInitializer: { name: "randomNormal", stddev: 1 }, betaInitializer: { name: "randomNormal", stddev: 1 } });
      const x = normal([3, 2, 4], 5);
      ln.apply(x);
      const r = gt.checkGradients((input) => ln.call(input), [x]);
      expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(1e-7);
      expect(r.analytic[0].abs().max().item()).toBeGreaterThan(0.05);
      const w = checkWeightGradients(() => ln.call(x), [ln.gamma!, ln.beta!]);
      expect(w.maxRelativeError).toBeLessThan(1e-8);
      expect(w.largest).toBeGreaterThan(0.1);
    }
  });

  it("weights gamma then beta, trainable; summary, config and save/load", () => {
    const model = gt.sequential([gt.layers.dense({ units: 6, inputShape: [3], seed: 1 }), gt.layers.layerNormalization({ name: "ln", axis: [-1] })]);
    const ln = model.layers[1] as gt.layers.LayerNormalization;
    expect(ln.weights.map((w) => w.name)).toEqual(["ln/gamma", "ln/beta"]);
    expect(ln.trainableWeights.length).toBe(2);
    expect(model.summary(() => {})).toMatch(/ln \(LayerNormalization\)\s+\(None, 6\)\s+12/);
    ln.gamma!.assign(gt.randomNormal([6], { seed: 2 }));
    const dir = mkdtempSync(join(tmpdir(), "gradtape-ln-"));
    try {
      model.save(dir);
      const loaded = gt.loadModel(dir);
      expect(loaded.layers[1].getConfig()).toEqual(ln.getConfig());
      const x = gt.randomNormal([5, 3], { seed: 3 });
      expect(Array.from(loaded.predict(x).data())).toEqual(Array.from(model.predict(x).data()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("options and shapes are checked", () => {
    expect(() => gt.layers.layerNormalization({ epsilon: -1 })).toThrow(/epsilon must be a finite number > 0, got -1/);
    expect(() => gt.layers.layerNormalization({ axis: [] })).toThrow(/axis must be an integer or a non-empty array of integers, got \[\]/);
    expect(() => gt.layers.layerNormalization({ axis: 0 }).apply(gt.ones([2, 3]))).toThrow(/axis 0 is not a feature axis of inputs \[\?, 3\]/);
    expect(() => gt.layers.layerNormalization({ axis: [1, -1] }).apply(gt.ones([2, 3]))).toThrow(/names the same axis twice/);
    const ln = gt.layers.layerNormalization();
    ln.apply(gt.ones([2, 3]));
    expect(() => ln.apply(gt.ones([2, 4]))).toThrow(/expected sizes \[3\] on axes \[1\], got inputs \[2, 4\]/);
  });
});
