// The Optimizer base: slots keyed by variable, null gradients, checks, clipping, state, config, zip.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const f64 = (values: number[]): gt.Tensor => gt.tensor(values, undefined, "float64");

/** Gradients of Σ c·w² / 2 for a few fixed coefficients, so each element moves differently. */
const gradOf = (w: gt.Variable): gt.Tensor => {
  const d = w.data();
  return gt.tensor(d.map((x, i) => x * (1 + i * 0.7)), w.shape, w.dtype);
};

const makeVars = (): [gt.Variable, gt.Variable] => [
  gt.variable(f64([1, -2]), { name: "a" }),
  gt.variable(gt.tensor([[0.5, 1.5, -1]], undefined, "float64"), { name: "b" }),
];

describe("slots follow the variable", () => {
  it("applying the pairs in another order gives identical results", () => {
    for (const make of [
      () => new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }),
      () => new gt.optim.Adam({ learningRate: 0.1 }),
      () => new gt.optim.RMSprop({ learningRate: 0.05, momentum: 0.5, centered: true }),
    ]) {
      const [a1, b1] = makeVars();
      const [a2, b2] = makeVars();
      const o1 = make();
      const o2 = make();
      for (let k = 0; k < 6; k++) {
        o1.applyGradients([[gradOf(a1), a1], [gradOf(b1), b1]]);
        o2.applyGradients([[gradOf(b2), b2], [gradOf(a2), a2]]);
      }
      expect(a2.data()).toEqual(a1.data());
      expect(b2.data()).toEqual(b1.data());
      expect(a1.data()).not.toEqual(makeVars()[0].data());
    }
  });

  it("a null gradient is skipped: that variable and its velocity stay, the others move", () => {
    const [a, b] = makeVars();
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    opt.applyGradients([[gradOf(a), a], [gradOf(b), b]]);
    const aBefore = a.data();
    const vBefore = opt.getState().variables.a.slots.velocity;
    const bBefore = b.data();
    opt.applyGradients([[null, a], [gradOf(b), b]]);
    expect(a.data()).toEqual(aBefore);
    expect(opt.getState().variables.a.slots.velocity).toEqual(vBefore);
    expect(b.data()).not.toEqual(bBefore);
    expect(opt.iterations).toBe(2);
  });

  it("all-null gradients are an error naming the variables, as Keras; empty pairs change nothing", () => {
    const [a, b] = makeVars();
    const opt = new gt.optim.SGD({ learningRate: 0.1 });
    expect(() => opt.applyGradients([[null, a], [null, b]])).toThrow(
      "SGD.applyGradients: no gradients provided for any variable ('a', 'b'): every gradient is null; does the loss depend on these variables?",
    );
    opt.applyGradients([]);
    expect(opt.iterations).toBe(0);
    expect(Array.from(a.data())).toEqual([1, -2]);
  });

  it("the gradient tensor is never written (clipping and updates make new arrays)", () => {
    const w = gt.variable(f64([0, 0]));
    const g = f64([3, 4]);
    new gt.optim.SGD({ learningRate: 1, clipNorm: 1, momentum: 0.9 }).applyGradients([[g, w]]);
    expect(Array.from(g.data())).toEqual([3, 4]);
  });
});

describe("applyGradients checks every pair before changing anything", () => {
  it("a shape mismatch names the variable and both shapes; the earlier pair is not applied", () => {
    const [a, b] = makeVars();
    const opt = new gt.optim.SGD({ learningRate: 0.1 });
    expect(() => opt.applyGradients([[gradOf(a), a], [f64([1, 2, 3]), b]])).toThrow(
      /SGD.applyGradients: the gradient for variable 'b' has shape \[3\] but the variable has shape \[1, 3\]/,
    );
    expect(Array.from(a.data())).toEqual([1, -2]);
    expect(opt.iterations).toBe(0);
  });

  it("a dtype mismatch names both dtypes", () => {
    const w = gt.variable(gt.tensor([1, 2]), { name: "w32" });
    expect(() => new gt.optim.Adam().applyGradients([[f64([1, 2]), w]])).toThrow(
      /Adam.applyGradients: the gradient for variable 'w32' is float64 but the variable is float32/,
    );
  });

  it("reversed pairs, repeated variables, int32 variables and non-tensors are refused clearly", () => {
    const [a] = makeVars();
    const opt = new gt.optim.SGD();
    expect(() => opt.applyGradients([[a, gradOf(a)] as unknown as [gt.Tensor, gt.Variable]])).toThrow(/pairs look reversed: they are \[gradient, variable\], gradient first/);
    expect(() => opt.applyGradients([[gradOf(a), a], [gradOf(a), a]])).toThrow(/variable 'a' appears in more than one pair/);
    const n = gt.variable(gt.tensor([1], undefined, "int32"), { name: "count" });
    expect(() => opt.applyGradients([[gt.tensor([1], undefined, "int32"), n]])).toThrow(/variable 'count' is int32/);
    expect(() => opt.applyGradients([[[1, 2] as unknown as gt.Tensor, a]])).toThrow(/the gradient for variable 'a' must be a Tensor or null/);
    expect(() => opt.applyGradients([gradOf(a)] as unknown as [gt.Tensor, gt.Variable][])).toThrow(/pair 0 must be a \[gradient, variable\] array/);
    expect(() => opt.applyGradients(undefined as unknown as [])).toThrow(/expected an array of \[gradient, variable\] pairs/);
  });

  it("a schedule that returns a bad value is reported with its step", () => {
    const w = gt.variable(f64([1]));
    const opt = new gt.optim.SGD({ learningRate: (step) => (step === 0 ? 0.1 : NaN) });
    opt.applyGradients([[f64([1]), w]]);
    expect(() => opt.applyGradients([[f64([1]), w]])).toThrow(/SGD: the learning-rate schedule returned number NaN at step 1/);
  });
});

describe("non-finite gradients", () => {
  it("nonFiniteGradients names the variables with NaN or ±Infinity and skips nulls", () => {
    const [a, b] = makeVars();
    const c = gt.variable(f64([1]), { name: "c" });
    expect(gt.optim.nonFiniteGradients([[gradOf(a), a], [null, b]])).toEqual([]);
    expect(gt.optim.nonFiniteGradients([[f64([1, NaN]), a], [gt.tensor([[0, 0, 1]], undefined, "float64").div(0), b], [f64([-Infinity]), c]])).toEqual(["a", "b", "c"]);
  });

  it("a loop that checks first leaves weights and slots untouched by the bad batch", () => {
    const w = gt.variable(f64([1]), { name: "w" });
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const losses = [0.5, Infinity, 0.2];
    let applied = 0;
    for (const l of losses) {
      const pairs = gt.zip([f64([l === Infinity ? NaN : 1])], [w]);
      if (gt.optim.nonFiniteGradients(pairs).length > 0) break;
      opt.applyGradients(pairs);
      applied++;
    }
    expect(applied).toBe(1);
    expect(w.data()[0]).toBeCloseTo(0.9, 12);
    expect(opt.getState().variables.w.slots.velocity[0]).toBe(1);
  });
});

describe("clipping (Keras' clipnorm, clipvalue, global_clipnorm)", () => {
  const step = (options: gt.optim.SGDOptions, grads: number[][]): number[][] => {
    const vars = grads.map((g, i) => gt.variable(f64(g.map(() => 0)), { name: `v${i}` }));
    new gt.optim.SGD({ learningRate: 1, ...options }).applyGradients(gt.zip(grads.map(f64), vars));
    return vars.map((v) => Array.from(v.data()));
  };

  it("clipNorm scales each gradient to norm clipNorm when larger, and leaves smaller ones", () => {
    const [[x, y], [z]] = step({ clipNorm: 1 }, [[3, 4], [0.5]]);
    expect(x).toBeCloseTo(-0.6, 15);
    expect(y).toBeCloseTo(-0.8, 15);
    expect(z).toBe(-0.5);
  });

  it("clipValue clips each element", () => {
    expect(step({ clipValue: 0.5 }, [[3, -0.2, -4]])).toEqual([[-0.5, 0.2, 0.5]]);
  });

  it("globalClipNorm scales all gradients by their joint norm", () => {
    const [[a], [b]] = step({ globalClipNorm: 1 }, [[3], [4]]);
    expect(a).toBeCloseTo(-0.6, 15);
    expect(b).toBeCloseTo(-0.8, 15);
  });
});

describe("getState / setState", () => {
  /** Runs `steps` updates of both variables with gradients from their current values. */
  const run = (opt: gt.optim.Optimizer, vars: gt.Variable[], steps: number): void => {
    for (let k = 0; k < steps; k++) opt.applyGradients(vars.map((v) => [gradOf(v), v] as const));
  };
  const optimizers: [string, () => gt.optim.Optimizer][] = [
    ["SGD", () => new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
    ["Adam", () => new gt.optim.Adam({ learningRate: 0.05, amsgrad: true })],
    ["RMSprop", () => new gt.optim.RMSprop({ learningRate: 0.01, momentum: 0.9, centered: true })],
    ["SGD (Keras' convention)", () => new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, convention: "keras" })],
    ["Adam (Keras' convention)", () => new gt.optim.Adam({ learningRate: 0.05, amsgrad: true, convention: "keras" })],
    ["RMSprop (Keras' convention)", () => new gt.optim.RMSprop({ learningRate: 0.01, momentum: 0.9, centered: true, convention: "keras" })],
    ["Adagrad", () => new gt.optim.Adagrad({ learningRate: 0.1 })],
    ["Adadelta", () => new gt.optim.Adadelta({ learningRate: 1 })],
    ["Adamax", () => new gt.optim.Adamax({ learningRate: 0.05 })],
    ["AdamW", () => new gt.optim.AdamW({ learningRate: 0.05, weightDecay: 0.1 })],
  ];

  for (const [name, make] of optimizers) {
    it(`${name}: an optimizer restored mid-run continues bit-identically`, () => {
      const original = make();
      const vars = makeVars();
      run(original, vars, 3);
      // A checkpoint: the state cloned as a file would hold it, weights copied by value.
      const saved = structuredClone(original.getState());
      const copy = (): gt.Variable[] => vars.map((v) => gt.variable(gt.tensor(v.data(), v.shape, v.dtype), { name: v.name }));
      const copies = copy();
      const unrestoredCopies = copy();
      const restored = make();
      restored.setState(saved, copies);
      expect(restored.iterations).toBe(3);
      const unrestored = make();
      run(original, vars, 4);
      run(restored, copies, 4);
      run(unrestored, unrestoredCopies, 4);
      vars.forEach((v, i) => expect(copies[i].data()).toEqual(v.data()));
      // Without the state the same weights go elsewhere, so the comparison above can fail.
      expect(unrestoredCopies[0].data()).not.toEqual(vars[0].data());
    });
  }

  it("state restored without variables is claimed by name at the first update, and survives getState before that", () => {
    const original = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const vars = makeVars();
    run(original, vars, 2);
    const restored = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    restored.setState(original.getState());
    expect(restored.getState()).toEqual(original.getState());
    const copies = vars.map((v) => gt.variable(gt.tensor(v.data(), v.shape), { name: v.name }));
    run(original, vars, 3);
    run(restored, copies, 3);
    vars.forEach((v, i) => expect(copies[i].data()).toEqual(v.data()));
  });

  it("getState has the documented form and returns copies", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const vars = makeVars();
    run(opt, vars, 1);
    const s = opt.getState();
    expect(s.optimizer).toBe("SGD");
    expect(s.iterations).toBe(1);
    expect(Object.keys(s.variables).sort()).toEqual(["a", "b"]);
    expect(s.variables.b.shape).toEqual([1, 3]);
    expect(s.variables.b.dtype).toBe("float64");
    expect(s.variables.b.step).toBe(1);
    expect(s.variables.a.slots.velocity).toBeInstanceOf(Float64Array);
    expect(Array.from(s.variables.a.slots.velocity)).toEqual([1, -2 * 1.7]);
    s.variables.a.slots.velocity[0] = 1000;
    expect(opt.getState().variables.a.slots.velocity[0]).toBe(1);
  });

  it("setState refuses state that does not fit, naming what is wrong, and changes nothing", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const vars = makeVars();
    run(opt, vars, 2);
    const good = opt.getState();
    const target = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const wrongShape = [gt.variable(f64([1, 2, 3]), { name: "a" }), vars[1]];
    expect(() => target.setState(good, wrongShape)).toThrow(/SGD.setState: the state for variable 'a' has shape \[2\] \(float64\) but the variable has shape \[3\] \(float64\)/);
    expect(() => target.setState(good, [vars[0]])).toThrow(/the state has an entry for variable 'b', but no variable of that name was given \(given: a\)/);
    expect(() => new gt.optim.Adam().setState(good)).toThrow(/Adam.setState: the state was saved by SGD, not by Adam/);
    expect(() => new gt.optim.SGD().setState(good)).toThrow(/state for variable 'a': unknown slot 'velocity'; SGD keeps no slots with these options/);
    const badArray = structuredClone(good);
    badArray.variables.a.slots.velocity = new Float32Array(2);
    expect(() => target.setState(badArray)).toThrow(/slot 'velocity' must be a Float64Array for a float64 variable/);
    const badLength = structuredClone(good);
    badLength.variables.a.slots.velocity = new Float64Array(5);
    expect(() => target.setState(badLength)).toThrow(/slot 'velocity' has 5 values but shape \[2\] needs 2/);
    expect(() => target.setState({ ...good, iterations: -1 })).toThrow(/state.iterations must be a non-negative integer/);
    expect(() => target.setState(null as unknown as gt.optim.OptimizerState)).toThrow(/expected a state object from getState\(\)/);
    expect(target.iterations).toBe(0);
    expect(target.getState().variables).toEqual({});
  });

  it("restored state whose variable turns up with another shape is refused at that update", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const vars = makeVars();
    run(opt, vars, 1);
    const target = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    target.setState(opt.getState());
    const other = gt.variable(f64([1, 2, 3, 4]), { name: "a" });
    expect(() => target.applyGradients([[gradOf(other), other]])).toThrow(/the restored state for variable 'a' has shape \[2\] \(float64\) but the variable has shape \[4\]/);
  });

  it("two variables with one name cannot be saved, since names key the state", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const x = gt.variable(f64([1]), { name: "same" });
    const y = gt.variable(f64([2]), { name: "same" });
    opt.applyGradients([[f64([1]), x], [f64([1]), y]]);
    expect(() => opt.getState()).toThrow(/two variables are named 'same'/);
  });
});

describe("getConfig", () => {
  it("returns the hyperparameters, which rebuild an equal optimizer", () => {
    const schedule = gt.optim.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    const sgd = new gt.optim.SGD({ learningRate: schedule, momentum: 0.9, nesterov: true, clipNorm: 2 });
    expect(sgd.getConfig()).toEqual({ learningRate: schedule, momentum: 0.9, nesterov: true, dampening: 0, weightDecay: 0, convention: "pytorch", clipNorm: 2 });
    expect(new gt.optim.SGD(sgd.getConfig()).getConfig()).toEqual(sgd.getConfig());
    expect(new gt.optim.Adam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, amsgrad: false, weightDecay: 0, convention: "pytorch" });
    expect(new gt.optim.RMSprop().getConfig()).toEqual({ learningRate: 0.001, rho: 0.9, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0, convention: "pytorch" });
  });
});

describe("zip", () => {
  it("pairs by position; different lengths throw naming both", () => {
    const [a, b] = makeVars();
    const g = [gradOf(a), gradOf(b)];
    expect(gt.zip(g, [a, b])).toEqual([[g[0], a], [g[1], b]]);
    expect(gt.optim.zip).toBe(gt.zip);
    expect(() => gt.zip(g, [a])).toThrow(/zip: the lists differ in length: the first has 2 elements, the second has 1/);
    expect(() => gt.zip(g, 3 as unknown as number[])).toThrow(/zip: the second argument must be an array or another iterable, got number 3/);
  });
});
