// RMSprop against its formula worked out by hand: plain, with momentum, centered.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

/** Steps of loss w²/2 (gradient g = w) from w = 1; w after each step. */
function path(opt: gt.optim.Optimizer, steps: number): number[] {
  const w = gt.variable(gt.tensor([1], undefined, "float64"), { name: "w" });
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    opt.applyGradients([[gt.tensor(w.data(), w.shape, "float64"), w]]);
    out.push(w.data()[0]);
  }
  return out;
}

const eps = 1e-8;

describe("RMSprop (PyTorch's formulas: ε outside the square root)", () => {
  it("plain: s ← ρs + (1−ρ)g²; w ← w − lr·g/(√s + ε)", () => {
    const [w1, w2, w3] = path(new gt.optim.RMSprop({ learningRate: 0.01 }), 3);
    // step 1: s = 0.1·1 = 0.1; w = 1 − 0.01·1/(√0.1 + ε) ≈ 0.968377
    const e1 = 1 - 0.01 / (Math.sqrt(0.1) + eps);
    expect(w1).toBeCloseTo(e1, 14);
    expect(w1).toBeCloseTo(0.96837722, 8);
    // step 2: s = 0.9·0.1 + 0.1·e1²
    const s2 = 0.09 + 0.1 * e1 * e1;
    const e2 = e1 - (0.01 * e1) / (Math.sqrt(s2) + eps);
    expect(w2).toBeCloseTo(e2, 14);
    const s3 = 0.9 * s2 + 0.1 * e2 * e2;
    expect(w3).toBeCloseTo(e2 - (0.01 * e2) / (Math.sqrt(s3) + eps), 14);
  });

  it("momentum: b ← m·b + g/(√s + ε); w ← w − lr·b", () => {
    const [w1, w2] = path(new gt.optim.RMSprop({ learningRate: 0.01, momentum: 0.9 }), 2);
    const b1 = 1 / (Math.sqrt(0.1) + eps);
    const e1 = 1 - 0.01 * b1;
    expect(w1).toBeCloseTo(e1, 14);
    const s2 = 0.09 + 0.1 * e1 * e1;
    const b2 = 0.9 * b1 + e1 / (Math.sqrt(s2) + eps);
    expect(w2).toBeCloseTo(e1 - 0.01 * b2, 14);
  });

  it("centered: divides by √(s − ḡ²) + ε, ḡ the running mean of g", () => {
    const [w1, w2] = path(new gt.optim.RMSprop({ learningRate: 0.01, centered: true, rho: 0.5 }), 2);
    // step 1: s = 0.5, ḡ = 0.5, s − ḡ² = 0.25; w = 1 − 0.01/(0.5 + ε)
    const e1 = 1 - 0.01 / (0.5 + eps);
    expect(w1).toBeCloseTo(e1, 14);
    const s2 = 0.25 + 0.5 * e1 * e1;
    const a2 = 0.25 + 0.5 * e1;
    expect(w2).toBeCloseTo(e1 - (0.01 * e1) / (Math.sqrt(s2 - a2 * a2) + eps), 12);
  });

  it("keeps the slots its options need, under their names", () => {
    const opt = new gt.optim.RMSprop({ momentum: 0.5, centered: true });
    path(opt, 1);
    expect(Object.keys(opt.getState().variables.w.slots).sort()).toEqual(["gradAvg", "momentumBuffer", "squareAvg"]);
    const plain = new gt.optim.RMSprop();
    path(plain, 1);
    expect(Object.keys(plain.getState().variables.w.slots)).toEqual(["squareAvg"]);
  });
});
