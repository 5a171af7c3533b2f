// Adagrad, Adadelta, Adamax and AdamW: several steps with a learning-rate schedule against their
// formulas written out here in float64, and against PyTorch's trajectories
// (reference/torch-optimizers.json, regenerated and compared when torch is installed).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const SCRIPT = fileURLToPath(new URL("./reference/torch-optimizers.py", import.meta.url));
const REFERENCE = JSON.parse(readFileSync(fileURLToPath(new URL("./reference/torch-optimizers.json", import.meta.url)), "utf8")) as {
  a: number[]; b: number[]; w0: number[]; steps: number; cases: Record<string, { lr: number; w: number[][] }>;
};
const { a: A, b: B, w0: W0, steps: STEPS } = REFERENCE;

/** The schedule of the reference: `lr` for three updates, then half of it. */
const halving = (lr: number) => (step: number) => (step < 3 ? lr : lr / 2);

/** Runs the optimizer on loss Σ(a·w²/2 + b·w), gradient a·w + b, from W0; the weights after each step. */
function path(opt: gt.optim.Optimizer, dtype: "float32" | "float64" = "float64", steps = STEPS): number[][] {
  const w = gt.variable(gt.tensor(W0, undefined, dtype), { name: "w" });
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const g = Array.from(w.data(), (wi, i) => A[i] * wi + B[i]);
    opt.applyGradients([[gt.tensor(g, undefined, dtype), w]]);
    out.push(Array.from(w.data()));
  }
  return out;
}

/** The same problem with a per-element update rule written in the test: `step(w, g, t, lr, state)` for t = 1, 2, …. */
function formula<S>(lr: number, init: () => S, step: (w: number, g: number, t: number, lr: number, s: S) => number): number[][] {
  const w = W0.slice();
  const states = W0.map(init);
  const out: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const rate = halving(lr)(t - 1);
    for (let i = 0; i < w.length; i++) w[i] = step(w[i], A[i] * w[i] + B[i], t, rate, states[i]);
    out.push(w.slice());
  }
  return out;
}

function expectPaths(actual: number[][], expected: number[][], digits: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, k) => row.forEach((x, i) => expect(x, `step ${k + 1}, element ${i}`).toBeCloseTo(expected[k][i], digits)));
}

describe("Adagrad (PyTorch's formula, Keras' defaults)", () => {
  it("a ← a + g²; w ← w − lr·g/(√a + ε), a from initialAccumulatorValue, over a schedule", () => {
    const expected = formula(0.1, () => ({ a: 0.1 }), (w, g, _t, lr, s) => {
      s.a += g * g;
      return w - (lr * g) / (Math.sqrt(s.a) + 1e-7);
    });
    expectPaths(path(new gt.optim.Adagrad({ learningRate: halving(0.1) })), expected, 14);
  });

  it("the first step by hand: a = 0.1 + 1.3² = 1.79, w = 1 − 0.1·1.3/(√1.79 + 1e-7)", () => {
    expect(path(new gt.optim.Adagrad({ learningRate: 0.1 }), "float64", 1)[0][0]).toBeCloseTo(1 - 0.13 / (Math.sqrt(1.79) + 1e-7), 15);
  });

  it("defaults to Keras' learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7", () => {
    expect(new gt.optim.Adagrad().getConfig()).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
  });
});

describe("Adadelta (PyTorch's and Keras' formula, Keras' defaults)", () => {
  it("s ← ρs + (1−ρ)g²; Δ = √(d + ε)/√(s + ε)·g; d ← ρd + (1−ρ)Δ²; w ← w − lr·Δ, over a schedule", () => {
    const rho = 0.95, eps = 1e-7;
    const expected = formula(1, () => ({ s: 0, d: 0 }), (w, g, _t, lr, st) => {
      st.s = rho * st.s + (1 - rho) * g * g;
      const delta = (Math.sqrt(st.d + eps) / Math.sqrt(st.s + eps)) * g;
      st.d = rho * st.d + (1 - rho) * delta * delta;
      return w - lr * delta;
    });
    expectPaths(path(new gt.optim.Adadelta({ learningRate: halving(1) })), expected, 14);
  });

  it("defaults to Keras' learningRate 0.001, rho 0.95, epsilon 1e-7", () => {
    expect(new gt.optim.Adadelta().getConfig()).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
  });
});

describe("Adamax (PyTorch's formula, Keras' defaults)", () => {
  it("m ← β1m + (1−β1)g; u ← max(β2u, |g| + ε); w ← w − lr/(1 − β1ᵗ)·m/u, over a schedule", () => {
    const b1 = 0.9, b2 = 0.999, eps = 1e-7;
    const expected = formula(0.1, () => ({ m: 0, u: 0 }), (w, g, t, lr, s) => {
      s.m = b1 * s.m + (1 - b1) * g;
      s.u = Math.max(b2 * s.u, Math.abs(g) + eps);
      return w - (lr / (1 - b1 ** t)) * (s.m / s.u);
    });
    expectPaths(path(new gt.optim.Adamax({ learningRate: halving(0.1) })), expected, 14);
  });

  it("the first step moves each weight by lr·g/(|g| + ε), about lr, by hand", () => {
    const [w1] = path(new gt.optim.Adamax({ learningRate: 0.1 }), "float64", 1);
    // g = [1.3, −1.7, 0.5]: m/(1 − 0.9) = g, u = |g| + 1e-7
    expect(w1[0]).toBeCloseTo(1 - (0.1 * 1.3) / (1.3 + 1e-7), 15);
    expect(w1[1]).toBeCloseTo(-3 + (0.1 * 1.7) / (1.7 + 1e-7), 15);
  });

  it("defaults to Keras' learningRate 0.001, β 0.9/0.999, epsilon 1e-7", () => {
    expect(new gt.optim.Adamax().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });
});

describe("AdamW (decoupled decay, PyTorch's formulas)", () => {
  const adamStep = (b1: number, b2: number, eps: number, wd: number, amsgrad = false) =>
    (w: number, g: number, t: number, lr: number, s: { m: number; v: number; vMax: number }) => {
      const decayed = w - lr * wd * w;
      s.m = b1 * s.m + (1 - b1) * g;
      s.v = b2 * s.v + (1 - b2) * g * g;
      s.vMax = Math.max(s.vMax, s.v);
      const v = amsgrad ? s.vMax : s.v;
      return decayed - ((lr / (1 - b1 ** t)) * s.m) / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps);
    };

  it("w ← w − lr·wd·w, then Adam's step from the gradient alone, over a schedule", () => {
    const expected = formula(0.1, () => ({ m: 0, v: 0, vMax: 0 }), adamStep(0.9, 0.999, 1e-8, 0.5));
    expectPaths(path(new gt.optim.AdamW({ learningRate: halving(0.1), weightDecay: 0.5 })), expected, 14);
    const ams = formula(0.1, () => ({ m: 0, v: 0, vMax: 0 }), adamStep(0.8, 0.99, 1e-8, 0.1, true));
    expectPaths(path(new gt.optim.AdamW({ learningRate: halving(0.1), beta1: 0.8, beta2: 0.99, weightDecay: 0.1, amsgrad: true })), ams, 14);
  });

  it("differs from Adam's coupled weightDecay, and equals Adam when the decay is 0", () => {
    const decoupled = path(new gt.optim.AdamW({ learningRate: 0.1, weightDecay: 0.5 }));
    const coupled = path(new gt.optim.Adam({ learningRate: 0.1, weightDecay: 0.5 }));
    expect(Math.abs(decoupled[5][0] - coupled[5][0])).toBeGreaterThan(1e-3);
    expect(path(new gt.optim.AdamW({ learningRate: 0.1, weightDecay: 0 }))).toEqual(path(new gt.optim.Adam({ learningRate: 0.1 })));
  });

  it("defaults to learningRate 0.001, β 0.9/0.999, epsilon 1e-8 (PyTorch's) and weightDecay 0.004 (Keras 3's)", () => {
    expect(new gt.optim.AdamW().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, amsgrad: false, weightDecay: 0.004, convention: "pytorch" });
    expect(new gt.optim.AdamW({ convention: "keras" }).epsilon).toBe(1e-7);
  });
});

describe("against PyTorch's trajectories (reference/torch-optimizers.json)", () => {
  const ours: Record<string, (lr: number) => gt.optim.Optimizer> = {
    Adagrad: (lr) => new gt.optim.Adagrad({ learningRate: halving(lr) }),
    Adadelta: (lr) => new gt.optim.Adadelta({ learningRate: halving(lr) }),
    Adamax: (lr) => new gt.optim.Adamax({ learningRate: halving(lr) }),
    AdamW: (lr) => new gt.optim.AdamW({ learningRate: halving(lr), weightDecay: 0.5 }),
    "AdamW-amsgrad": (lr) => new gt.optim.AdamW({ learningRate: halving(lr), beta1: 0.8, beta2: 0.99, weightDecay: 0.1, amsgrad: true }),
    "SGD-momentum": (lr) => new gt.optim.SGD({ learningRate: halving(lr), momentum: 0.9 }),
    "SGD-nesterov": (lr) => new gt.optim.SGD({ learningRate: halving(lr), momentum: 0.9, nesterov: true }),
    Adam: (lr) => new gt.optim.Adam({ learningRate: halving(lr) }),
    RMSprop: (lr) => new gt.optim.RMSprop({ learningRate: halving(lr) }),
  };

  it("covers every case of the reference", () => {
    expect(Object.keys(ours).sort()).toEqual(Object.keys(REFERENCE.cases).sort());
  });

  for (const [name, make] of Object.entries(ours)) {
    it(`${name}: six steps with a learning-rate drop agree to 1e-13 in float64, 1e-5 in float32`, () => {
      const { lr, w } = REFERENCE.cases[name];
      expectPaths(path(make(lr)), w, 13);
      expectPaths(path(make(lr), "float32"), w, 5);
    });
  }

  const torch = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
  it.skipIf(!torch)("the reference is what the script computes with the installed torch", () => {
    const fresh = JSON.parse(execFileSync("/usr/bin/python3", [SCRIPT], { encoding: "utf8" })) as typeof REFERENCE;
    expect(fresh.cases).toEqual(REFERENCE.cases);
  });
});

describe("argument checks", () => {
  it("reject values out of range with PyTorch-style messages", () => {
    expect(() => new gt.optim.Adagrad({ initialAccumulatorValue: -1 })).toThrow("Adagrad: invalid initial accumulator value: -1 (must be a finite number >= 0)");
    expect(() => new gt.optim.Adagrad({ epsilon: 0 })).toThrow("Adagrad: invalid epsilon: 0 (must be a finite number > 0)");
    expect(() => new gt.optim.Adadelta({ rho: 1 })).toThrow("Adadelta: invalid rho: 1 (must be a finite number in [0, 1))");
    expect(() => new gt.optim.Adamax({ beta2: -0.1 })).toThrow("Adamax: invalid beta2: -0.1 (must be a finite number in [0, 1))");
    expect(() => new gt.optim.AdamW({ weightDecay: -1 })).toThrow("AdamW: invalid weight decay: -1 (must be a finite number >= 0)");
    expect(() => new gt.optim.AdamW({ weight_decay: 0.1 } as never)).toThrow("AdamW: unknown option 'weight_decay' (did you mean 'weightDecay'?)");
    expect(() => new gt.optim.Adagrad({ initial_accumulator_value: 0.1 } as never)).toThrow("(did you mean 'initialAccumulatorValue'?)");
  });

  it("the update functions check lengths", () => {
    expect(() => gt.optim.adagradUpdate(new Float64Array(2), new Float64Array(2), new Float64Array(3), { learningRate: 0.1, initialAccumulatorValue: 0, epsilon: 1e-7 }))
      .toThrow("adagradUpdate: slot 'accumulator' has 3 elements but the weight has 2");
  });

  it("compile knows them by Keras' names", () => {
    const model = gt.sequential([gt.layers.dense({ units: 1, inputShape: [1] })]);
    for (const [name, cls] of [["adagrad", gt.optim.Adagrad], ["adadelta", gt.optim.Adadelta], ["adamax", gt.optim.Adamax], ["adamw", gt.optim.AdamW]] as const) {
      model.compile({ optimizer: name, loss: "mse" });
      expect(model.optimizer).toBeInstanceOf(cls);
    }
  });
});
