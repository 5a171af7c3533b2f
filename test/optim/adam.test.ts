// Adam against its formula worked out by hand, independently of the implementation.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const f64 = (values: number[]): gt.Tensor => gt.tensor(values, undefined, "float64");

/** Steps of loss Σw²/2 (gradient g = w) with the optimizer; w after each step. */
function path(opt: gt.optim.Optimizer, w0: number[], steps: number, dtype: "float32" | "float64" = "float64"): number[][] {
  const w = gt.variable(gt.tensor(w0, undefined, dtype), { name: "w" });
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    opt.applyGradients([[gt.tensor(w.data(), w.shape, dtype), w]]);
    out.push(Array.from(w.data()));
  }
  return out;
}

describe("Adam (PyTorch's formulas, ε = 1e-8)", () => {
  it("the first two steps of w²/2 from w = 1 with lr 0.1, worked out by hand", () => {
    const [[w1], [w2]] = path(new gt.optim.Adam({ learningRate: 0.1 }), [1], 2);
    // step 1: g = 1; m = 0.1·1 = 0.1; v = 0.001·1 = 0.001;
    //         m̂ = 0.1 / (1 − 0.9) = 1; v̂ = 0.001 / (1 − 0.999) = 1; w = 1 − 0.1·1/(√1 + 1e-8)
    const e1 = 1 - 0.1 / (1 + 1e-8);
    expect(w1).toBeCloseTo(e1, 14);
    // step 2: g = w1; m = 0.9·0.1 + 0.1·w1; v = 0.999·0.001 + 0.001·w1²;
    //         m̂ = m / (1 − 0.81); v̂ = v / (1 − 0.998001); w = w1 − 0.1·m̂/(√v̂ + 1e-8)
    const m2 = 0.9 * 0.1 + 0.1 * e1;
    const v2 = 0.999 * 0.001 + 0.001 * e1 * e1;
    const e2 = e1 - (0.1 * (m2 / 0.19)) / (Math.sqrt(v2 / 0.001999) + 1e-8);
    expect(w2).toBeCloseTo(e2, 12);
    // in round numbers: m̂ = 0.18/0.19 = 0.947368, v̂ = 0.001809/0.001999 = 0.904952, √v̂ = 0.951290,
    // step = 0.1·0.947368/0.951290 = 0.0995878, w = 0.9 − 0.0995878
    expect(w2).toBeCloseTo(0.8004122, 7);
  });

  it("five steps on two elements against the textbook formula (bias-corrected m̂, v̂)", () => {
    const lr = 0.05, b1 = 0.8, b2 = 0.99, eps = 1e-6;
    const actual = path(new gt.optim.Adam({ learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }), [1, -3], 5);
    let w = [1, -3];
    let m = [0, 0];
    let v = [0, 0];
    for (let t = 1; t <= 5; t++) {
      const g = w.slice();
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
      const mHat = m.map((mi) => mi / (1 - b1 ** t));
      const vHat = v.map((vi) => vi / (1 - b2 ** t));
      w = w.map((wi, i) => wi - (lr * mHat[i]) / (Math.sqrt(vHat[i]) + eps));
      expect(actual[t - 1][0]).toBeCloseTo(w[0], 12);
      expect(actual[t - 1][1]).toBeCloseTo(w[1], 12);
    }
  });

  it("float32 weights stay float32 and agree with the float64 path to 1e-6", () => {
    const p32 = path(new gt.optim.Adam({ learningRate: 0.1 }), [1, -3], 5, "float32");
    const p64 = path(new gt.optim.Adam({ learningRate: 0.1 }), [1, -3], 5);
    p32.flat().forEach((x, i) => expect(x).toBeCloseTo(p64.flat()[i], 6));
  });

  it("AMSGrad divides by the running maximum of v", () => {
    const opt = new gt.optim.Adam({ learningRate: 0.1, amsgrad: true });
    const w = gt.variable(f64([0]), { name: "w" });
    opt.applyGradients([[f64([1]), w]]);
    opt.applyGradients([[f64([0.01]), w]]);
    // step 1: m = 0.1, v = 0.001, vMax = 0.001, w = −0.1·(0.1/0.1)/(√(0.001/0.001) + 1e-8)
    const w1 = -0.1 / (1 + 1e-8);
    // step 2: m = 0.09 + 0.001 = 0.091; v = 0.000999 + 1e-7 = 0.0009991 < vMax = 0.001 (kept)
    const step2 = (0.1 * (0.091 / 0.19)) / (Math.sqrt(0.001 / 0.001999) + 1e-8);
    expect(w.data()[0]).toBeCloseTo(w1 - step2, 12);
    // Without AMSGrad the smaller v would give a larger step:
    const plain = new gt.optim.Adam({ learningRate: 0.1 });
    const u = gt.variable(f64([0]), { name: "u" });
    plain.applyGradients([[f64([1]), u]]);
    plain.applyGradients([[f64([0.01]), u]]);
    expect(u.data()[0]).toBeCloseTo(w1 - (0.1 * (0.091 / 0.19)) / (Math.sqrt(0.0009991 / 0.001999) + 1e-8), 12);
    expect(opt.getState().variables.w.slots.vMax[0]).toBeCloseTo(0.001, 15);
  });

  it("weightDecay is added to the gradient (coupled, as PyTorch's Adam)", () => {
    const opt = new gt.optim.Adam({ learningRate: 0.1, weightDecay: 0.5 });
    const w = gt.variable(f64([2]), { name: "w" });
    opt.applyGradients([[f64([1]), w]]);
    opt.applyGradients([[f64([1]), w]]);
    // step 1: g = 1 + 0.5·2 = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4: w = 2 − 0.1·2/(2 + 1e-8)
    const w1 = 2 - (0.1 * 2) / (2 + 1e-8);
    // step 2: g = 1 + 0.5·w1
    const g2 = 1 + 0.5 * w1;
    const m2 = 0.9 * 0.2 + 0.1 * g2;
    const v2 = 0.999 * 0.004 + 0.001 * g2 * g2;
    expect(w.data()[0]).toBeCloseTo(w1 - (0.1 * (m2 / 0.19)) / (Math.sqrt(v2 / 0.001999) + 1e-8), 12);
  });

  it("bias correction counts each variable's own updates (a variable that joins late starts at t = 1)", () => {
    const opt = new gt.optim.Adam({ learningRate: 0.1 });
    const a = gt.variable(f64([1]), { name: "a" });
    const late = gt.variable(f64([1]), { name: "late" });
    opt.applyGradients([[f64([1]), a], [null, late]]);
    opt.applyGradients([[f64([1]), a], [f64([1]), late]]);
    expect(late.data()[0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 14);
    expect(opt.getState().variables.late.step).toBe(1);
    expect(opt.getState().variables.a.step).toBe(2);
  });
});
