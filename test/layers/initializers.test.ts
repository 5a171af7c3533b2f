import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const { initializers } = gt;
const SHAPE = [200, 300]; // fanIn 200, fanOut 300

function stats(t: gt.Tensor) {
  const v = Array.from(t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe("initializers", () => {
  it("glorotUniform draws in ±sqrt(6/(fanIn+fanOut)) with the matching spread", () => {
    const limit = Math.sqrt(6 / 500);
    const s = stats(initializers.glorotUniform(SHAPE, { seed: 1 }));
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
    expect(s.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it("glorotNormal and heNormal are normals truncated at two standard deviations, with Keras' scale", () => {
    for (const [init, variance] of [[initializers.glorotNormal, 2 / 500], [initializers.heNormal, 2 / 200]] as const) {
      const s = stats(init(SHAPE, { seed: 2 }));
      const raw = Math.sqrt(variance) / 0.87962566103423978;
      expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(2 * raw * (1 + 1e-6));
      expect(Math.max(-s.min, s.max)).toBeGreaterThan(1.95 * raw);
      expect(Math.abs(s.std / Math.sqrt(variance) - 1)).toBeLessThan(0.02);
      expect(Math.abs(s.mean)).toBeLessThan(0.003);
    }
  });

  it("heUniform draws in ±sqrt(6/fanIn)", () => {
    const limit = Math.sqrt(6 / 200);
    const s = stats(initializers.heUniform(SHAPE, { seed: 3 }));
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it("zeros, ones and randomNormal (stddev 0.05 by default, as Keras)", () => {
    expect(Array.from(initializers.zeros([3]).data())).toEqual([0, 0, 0]);
    expect(Array.from(initializers.ones([2], { dtype: "float64" }).data())).toEqual([1, 1]);
    const s = stats(initializers.randomNormal(SHAPE, { seed: 4 }));
    expect(Math.abs(s.std / 0.05 - 1)).toBeLessThan(0.02);
    const t = stats(initializers.getInitializer({ name: "randomNormal", mean: 1, stddev: 0.1 })(SHAPE, { seed: 4 }));
    expect(t.mean).toBeCloseTo(1, 2);
    expect(t.std).toBeCloseTo(0.1, 2);
  });

  it("gives the same values for the same seed and different ones for another", () => {
    for (const name of initializers.INITIALIZER_NAMES) {
      const init = initializers.getInitializer(name);
      const a = Array.from(init([5, 4], { seed: 7 }).data());
      expect(Array.from(init([5, 4], { seed: 7 }).data())).toEqual(a);
      if (name !== "zeros" && name !== "ones") expect(Array.from(init([5, 4], { seed: 8 }).data())).not.toEqual(a);
    }
    const d1 = gt.layers.dense({ units: 5, seed: 21, inputShape: [3] });
    const d2 = gt.layers.dense({ units: 5, seed: 21, inputShape: [3], kernelInitializer: "glorot_uniform" as never });
    gt.sequential([d1]);
    gt.sequential([d2]);
    expect(Array.from(d2.kernel!.data())).toEqual(Array.from(d1.kernel!.data()));
  });

  it("accepts Keras' snake_case names and lists the known names for an unknown one", () => {
    expect(initializers.getInitializer("he_normal" as never)).toBe(initializers.heNormal);
    expect(() => initializers.getInitializer("lecun_normal" as never)).toThrow(
      'unknown initializer "lecun_normal"; known initializers: glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, randomNormal, randomUniform, orthogonal',
    );
  });

  it("orthogonal gives QᵀQ = I for tall shapes and QQᵀ = I for wide ones, times the gain", () => {
    // The Gram matrix of the orthonormal side, computed here entry by entry.
    const gram = (t: gt.Tensor, byRows: boolean) => {
      const [r, c] = [t.shape.slice(0, -1).reduce((a, b) => a * b, 1), t.shape[t.shape.length - 1]];
      const v = t.data();
      const at = (i: number, j: number) => v[i * c + j];
      const n = byRows ? r : c, len = byRows ? c : r;
      return Array.from({ length: n }, (_, p) => Array.from({ length: n }, (_, q) => {
        let s = 0;
        for (let k = 0; k < len; k++) s += byRows ? at(p, k) * at(q, k) : at(k, p) * at(k, q);
        return s;
      }));
    };
    for (const [shape, byRows, gain] of [[[6, 6], false, 1], [[12, 4], false, 1], [[4, 16], true, 2], [[2, 3, 5], false, 1]] as const) {
      const q = initializers.orthogonal(shape, { seed: 5, gain, dtype: "float64" });
      expect(q.shape).toEqual(shape);
      gram(q, byRows).forEach((row, p) => row.forEach((g, k) => expect(g).toBeCloseTo(p === k ? gain * gain : 0, 12)));
    }
    // A 64×64 draw in float32 is still orthogonal to float32 precision.
    gram(initializers.orthogonal([64, 64], { seed: 6 }), false).forEach((row, p) => row.forEach((g, k) => expect(Math.abs(g - (p === k ? 1 : 0))).toBeLessThan(1e-5)));
    expect(initializers.getInitializer({ name: "orthogonal", gain: 3 })([2, 2], { seed: 1 }).abs().max().item()).toBeLessThanOrEqual(3 + 1e-6);
    expect(() => initializers.orthogonal([5])).toThrow("orthogonal: the shape must have at least two dimensions, got [5]");
  });

  it("computes fans as Keras", () => {
    expect(initializers.computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(initializers.computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(initializers.computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
  });
});
