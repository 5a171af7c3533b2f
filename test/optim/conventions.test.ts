// convention: 'keras' on SGD, Adam, RMSprop and AdamW: each against Keras' update rule written out
// here in float64, over steps with a learning-rate schedule; the two SGD conventions agreeing at a
// constant learning rate and parting, by the predicted amount, at the first step after a change.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const A = [1, 0.5, 2];
const B = [0.3, -0.2, 0];
const W0 = [1, -3, 0.25];

/** Steps on loss Σ(a·w²/2 + b·w), gradient a·w + b, from W0; the weights after each step. */
function path(opt: gt.optim.Optimizer, steps: number, dtype: "float32" | "float64" = "float64", w0 = W0): number[][] {
  const w = gt.variable(gt.tensor(w0, undefined, dtype), { name: "w" });
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const g = Array.from(w.data(), (wi, i) => A[i % A.length] * wi + B[i % B.length]);
    opt.applyGradients([[gt.tensor(g, undefined, dtype), w]]);
    out.push(Array.from(w.data()));
  }
  return out;
}

/** One variable stepped by `opt` on the same problem, a step per call; returns the weights after it. */
function stepper(opt: gt.optim.Optimizer): () => number[] {
  const w = gt.variable(gt.tensor(W0, undefined, "float64"), { name: "w" });
  return () => {
    const g = Array.from(w.data(), (wi, i) => A[i] * wi + B[i]);
    opt.applyGradients([[gt.tensor(g, undefined, "float64"), w]]);
    return Array.from(w.data());
  };
}

/** The same problem with a per-element rule written here, `step(w, g, t, lr, state)` for t = 1, 2, … */
function formula<S>(rates: number[], init: () => S, step: (w: number, g: number, t: number, lr: number, s: S) => number): number[][] {
  const w = W0.slice();
  const states = W0.map(init);
  return rates.map((lr, k) => {
    for (let i = 0; i < w.length; i++) w[i] = step(w[i], A[i] * w[i] + B[i], k + 1, lr, states[i]);
    return w.slice();
  });
}

const schedule = (rates: number[]) => (step: number) => rates[step];

function expectPaths(actual: number[][], expected: number[][], digits = 14): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, k) => row.forEach((x, i) => expect(x, `step ${k + 1}, element ${i}`).toBeCloseTo(expected[k][i], digits)));
}

/** Rates that drop at step 4 and rise at step 7: every rule below is exercised across a change. */
const RATES = [0.1, 0.1, 0.1, 0.03, 0.03, 0.03, 0.2, 0.2];

describe("SGD, convention 'keras': v ← m·v − lr·g; w ← w + v", () => {
  it("follows Keras' rule over a schedule (plain momentum and Nesterov)", () => {
    const m = 0.9;
    const momentum = formula(RATES, () => ({ v: 0 }), (w, g, _t, lr, s) => {
      s.v = m * s.v - lr * g;
      return w + s.v;
    });
    expectPaths(path(new gt.optim.SGD({ learningRate: schedule(RATES), momentum: m, convention: "keras" }), RATES.length), momentum);
    const nesterov = formula(RATES, () => ({ v: 0 }), (w, g, _t, lr, s) => {
      s.v = m * s.v - lr * g;
      return w + m * s.v - lr * g;
    });
    expectPaths(path(new gt.optim.SGD({ learningRate: schedule(RATES), momentum: m, nesterov: true, convention: "keras" }), RATES.length), nesterov);
  });

  it("decouples weight decay as Keras 3: w ← w − lr·wd·w before the step", () => {
    const m = 0.5, wd = 0.2;
    const expected = formula(RATES, () => ({ v: 0 }), (w, g, _t, lr, s) => {
      s.v = m * s.v - lr * g;
      return w - lr * wd * w + s.v;
    });
    expectPaths(path(new gt.optim.SGD({ learningRate: schedule(RATES), momentum: m, weightDecay: wd, convention: "keras" }), RATES.length), expected);
    const plain = formula(RATES, () => ({}), (w, g, _t, lr) => w - lr * wd * w - lr * g);
    expectPaths(path(new gt.optim.SGD({ learningRate: schedule(RATES), weightDecay: wd, convention: "keras" }), RATES.length), plain);
  });

  it("with a constant learning rate gives PyTorch's weights, to rounding", () => {
    for (const nesterov of [false, true]) {
      const torch = path(new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov }), 30);
      const keras = path(new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov, convention: "keras" }), 30);
      torch.flat().forEach((x, i) => expect(Math.abs(keras.flat()[i] - x)).toBeLessThan(1e-14 * Math.max(1, Math.abs(x))));
    }
    // Without momentum the two rules are the same expression.
    expect(path(new gt.optim.SGD({ learningRate: schedule(RATES), convention: "keras" }), 8)).toEqual(path(new gt.optim.SGD({ learningRate: schedule(RATES) }), 8));
  });

  it("after a learning-rate change differs from PyTorch's at once, by m·(lr_new − lr_old)·v", () => {
    // Both agree up to step 3 (lr 0.1). At step 4 (lr 0.03) from the same w:
    // PyTorch: w − 0.03·(m·v + g); Keras: w + m·(−0.1·v) − 0.03·g, so Keras − PyTorch = m·(0.03 − 0.1)·v,
    // v being PyTorch's velocity after step 3.
    const m = 0.9;
    const torchOpt = new gt.optim.SGD({ learningRate: schedule(RATES), momentum: m });
    const kerasOpt = new gt.optim.SGD({ learningRate: schedule(RATES), momentum: m, convention: "keras" });
    const torch = stepper(torchOpt);
    const keras = stepper(kerasOpt);
    const first = [1, 2, 3].map(() => [torch(), keras()]);
    first.forEach(([t, k]) => expectPaths([k], [t]));
    const velocity = Array.from(torchOpt.getState().variables.w.slots.velocity);
    const [torch4, keras4] = [torch(), keras()];
    keras4.forEach((x, i) => {
      const predicted = m * (RATES[3] - RATES[2]) * velocity[i];
      expect(Math.abs(predicted)).toBeGreaterThan(1e-2);
      expect(x - torch4[i]).toBeCloseTo(predicted, 14);
    });
  });

  it("keeps its velocity (−lr times PyTorch's) in a slot named 'momentum', so PyTorch-convention state is refused", () => {
    const torchOpt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const kerasOpt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, convention: "keras" });
    path(torchOpt, 3);
    path(kerasOpt, 3);
    const vt = torchOpt.getState().variables.w.slots.velocity;
    const vk = kerasOpt.getState().variables.w.slots.momentum;
    vt.forEach((x, i) => expect(vk[i]).toBeCloseTo(-0.1 * x, 14));
    expect(() => kerasOpt.setState(torchOpt.getState())).toThrow("SGD.setState: state for variable 'w': unknown slot 'velocity'; SGD keeps 'momentum'");
  });

  it("float32 arrays large enough for the WebAssembly path (PyTorch's convention only) agree with float64", () => {
    const n = 3000;
    const w0 = Array.from({ length: n }, (_, i) => Math.sin(i));
    for (const convention of ["pytorch", "keras"] as const) {
      const f32 = path(new gt.optim.SGD({ learningRate: schedule(RATES), momentum: 0.9, convention }), 8, "float32", w0);
      const f64 = path(new gt.optim.SGD({ learningRate: schedule(RATES), momentum: 0.9, convention }), 8, "float64", w0);
      f32[7].forEach((x, i) => expect(x).toBeCloseTo(f64[7][i], 5));
    }
  });

  it("rejects dampening and unknown conventions", () => {
    expect(() => new gt.optim.SGD({ momentum: 0.9, dampening: 0.1, convention: "keras" })).toThrow("SGD: dampening is PyTorch's; Keras' convention has none, got dampening 0.1 with convention 'keras'");
    expect(() => new gt.optim.SGD({ convention: "tf" as never })).toThrow("SGD: invalid convention: \"tf\" (must be 'pytorch' or 'keras')");
  });
});

describe("Adam, convention 'keras': ε added to the uncorrected √v, step lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)", () => {
  const kerasAdam = (b1: number, b2: number, eps: number, amsgrad = false, wd = 0) =>
    (w: number, g: number, t: number, lr: number, s: { m: number; v: number; vHat: number }) => {
      const decayed = w - lr * wd * w;
      s.m = s.m + (g - s.m) * (1 - b1);
      s.v = s.v + (g * g - s.v) * (1 - b2);
      s.vHat = Math.max(s.vHat, s.v);
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      return decayed - (s.m * alpha) / (Math.sqrt(amsgrad ? s.vHat : s.v) + eps);
    };
  const init = () => ({ m: 0, v: 0, vHat: 0 });

  it("follows Keras' rule over a schedule, with Keras' default ε 1e-7, AMSGrad and decoupled decay", () => {
    expectPaths(path(new gt.optim.Adam({ learningRate: schedule(RATES), convention: "keras" }), 8), formula(RATES, init, kerasAdam(0.9, 0.999, 1e-7)));
    expectPaths(
      path(new gt.optim.Adam({ learningRate: schedule(RATES), beta1: 0.8, beta2: 0.99, amsgrad: true, convention: "keras" }), 8),
      formula(RATES, init, kerasAdam(0.8, 0.99, 1e-7, true)),
    );
    expectPaths(path(new gt.optim.Adam({ learningRate: schedule(RATES), weightDecay: 0.1, convention: "keras" }), 8), formula(RATES, init, kerasAdam(0.9, 0.999, 1e-7, false, 0.1)));
    // Keras 3's AdamW is its Adam with the decoupled decay: the same rule.
    expectPaths(path(new gt.optim.AdamW({ learningRate: schedule(RATES), weightDecay: 0.1, convention: "keras" }), 8), formula(RATES, init, kerasAdam(0.9, 0.999, 1e-7, false, 0.1)));
  });

  it("differs from PyTorch's only through ε: equal when ε is negligible, apart when it is not", () => {
    const steps = (convention: "pytorch" | "keras", epsilon: number) => path(new gt.optim.Adam({ learningRate: schedule(RATES), epsilon, convention }), 8);
    expectPaths(steps("keras", 1e-300), steps("pytorch", 1e-300), 13);
    // With ε = 0.1 the first step is lr·g/(|g| + ε·√(1 − β₂)) for Keras against lr·g/(|g| + ε) for PyTorch.
    const g = A[0] * W0[0] + B[0];
    expect(steps("keras", 0.1)[0][0]).toBeCloseTo(W0[0] - (0.1 * g) / (g + 0.1 / Math.sqrt(0.001)), 14);
    expect(steps("pytorch", 0.1)[0][0]).toBeCloseTo(W0[0] - (0.1 * g) / (g + 0.1), 14);
  });

  it("counts the optimizer's updates for the bias correction, as Keras' iterations", () => {
    const opt = new gt.optim.Adam({ learningRate: 0.1, convention: "keras" });
    const a = gt.variable(gt.tensor([1], undefined, "float64"), { name: "a" });
    const late = gt.variable(gt.tensor([1], undefined, "float64"), { name: "late" });
    opt.applyGradients([[gt.tensor([1], undefined, "float64"), a]]);
    opt.applyGradients([[gt.tensor([1], undefined, "float64"), a], [gt.tensor([1], undefined, "float64"), late]]);
    // late's first update is the optimizer's second: t = 2, m = 0.1, v = 0.001
    const alpha = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    expect(late.data()[0]).toBeCloseTo(1 - (0.1 * alpha) / (Math.sqrt(0.001) + 1e-7), 14);
  });

  it("defaults ε to each framework's own", () => {
    expect(new gt.optim.Adam().epsilon).toBe(1e-8);
    expect(new gt.optim.Adam({ convention: "keras" }).epsilon).toBe(1e-7);
    expect(new gt.optim.Adam({ convention: "keras" }).getConfig().convention).toBe("keras");
  });
});

describe("RMSprop, convention 'keras': w ← w − lr·g/√(s + ε)", () => {
  const kerasRms = (rho: number, eps: number, momentum = 0, centered = false) =>
    (w: number, g: number, _t: number, lr: number, s: { s: number; a: number; b: number }) => {
      s.s = rho * s.s + (1 - rho) * g * g;
      s.a = rho * s.a + (1 - rho) * g;
      const increment = (lr * g) / Math.sqrt((centered ? s.s - s.a * s.a : s.s) + eps);
      if (momentum === 0) return w - increment;
      s.b = momentum * s.b + increment;
      return w - s.b;
    };
  const init = () => ({ s: 0, a: 0, b: 0 });

  it("follows Keras' rule over a schedule: plain, centered, and with momentum (the learning rate inside the buffer)", () => {
    expectPaths(path(new gt.optim.RMSprop({ learningRate: schedule(RATES), convention: "keras" }), 8), formula(RATES, init, kerasRms(0.9, 1e-7)));
    expectPaths(path(new gt.optim.RMSprop({ learningRate: schedule(RATES), rho: 0.8, centered: true, convention: "keras" }), 8), formula(RATES, init, kerasRms(0.8, 1e-7, 0, true)));
    expectPaths(path(new gt.optim.RMSprop({ learningRate: schedule(RATES), momentum: 0.9, epsilon: 1e-3, convention: "keras" }), 8), formula(RATES, init, kerasRms(0.9, 1e-3, 0.9)));
  });

  it("the first step by hand: s = 0.1·g², w = 1 − lr·g/√(0.1·g² + 1e-7)", () => {
    const g = 1.3;
    expect(path(new gt.optim.RMSprop({ learningRate: 0.01, convention: "keras" }), 1)[0][0]).toBeCloseTo(1 - (0.01 * g) / Math.sqrt(0.1 * g * g + 1e-7), 15);
  });

  it("names its momentum buffer 'momentum' and defaults ε to 1e-7", () => {
    const opt = new gt.optim.RMSprop({ momentum: 0.5, centered: true, convention: "keras" });
    path(opt, 1);
    expect(Object.keys(opt.getState().variables.w.slots).sort()).toEqual(["gradAvg", "momentum", "squareAvg"]);
    expect(opt.epsilon).toBe(1e-7);
  });
});

describe("SGD's WebAssembly path", () => {
  it("gives the JavaScript loop's bits in both conventions (float32, large enough for the kernel)", () => {
    const n = 2053;
    const w = gt.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i)));
    const g = gt.tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i)));
    const run = (backend: gt.Backend, options: gt.optim.SGDOptions): Float32Array => {
      const previous = gt.getBackend();
      gt.setBackend(backend);
      try {
        const v = gt.variable(w, { name: "w" });
        const opt = new gt.optim.SGD({ learningRate: schedule(RATES), momentum: 0.9, ...options });
        for (let k = 0; k < 5; k++) opt.applyGradients([[g.mul(1 + k / 10), v]]);
        return v.data() as Float32Array;
      } finally {
        gt.setBackend(previous);
      }
    };
    for (const options of [{}, { nesterov: true }, { weightDecay: 0.1 }, { convention: "keras" }, { convention: "keras", weightDecay: 0.1 }, { convention: "keras", nesterov: true }] as gt.optim.SGDOptions[]) {
      expect(run("wasm", options), JSON.stringify(options)).toEqual(run("js", options));
    }
  });
});
