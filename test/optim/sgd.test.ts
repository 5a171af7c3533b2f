// SGD: the article's trajectories, dampening, Nesterov, weight decay, schedules, and the tape loop.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

type Float = "float32" | "float64";

/** Runs `steps` updates of loss w²/2 (gradient g = w) and returns w after each. */
function trajectory(opt: gt.optim.Optimizer, steps: number, dtype: Float = "float64", w0 = 1): number[] {
  const w = gt.variable(gt.tensor([w0], undefined, dtype), { name: "w" });
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    opt.applyGradients([[gt.tensor(w.data(), w.shape, dtype), w]]);
    out.push(w.data()[0]);
  }
  return out;
}

/** Runs updates with a constant gradient, returning w after each. */
function withGradient(opt: gt.optim.Optimizer, w0: number, g: number, steps: number): number[] {
  const w = gt.variable(gt.tensor([w0], undefined, "float64"), { name: "w" });
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    opt.applyGradients([[gt.tensor([g], undefined, "float64"), w]]);
    out.push(w.data()[0]);
  }
  return out;
}

const expectClose = (actual: number[], expected: number[], digits: number): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `step ${i + 1}`).toBeCloseTo(expected[i], digits));
};

describe("SGD: the article's numbers (loss w²/2 from w = 1, lr 0.1)", () => {
  const momentumPath = [0.9, 0.72, 0.486, 0.2268, -0.02916];

  it("momentum 0.9 in float64: 0.9, 0.72, 0.486, 0.2268, −0.02916 to 1e-12", () => {
    expectClose(trajectory(new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), 5), momentumPath, 12);
  });

  it("momentum 0.9 in float32 stays float32 and agrees to 1e-6", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const w = gt.variable(gt.tensor([1]), { name: "w" });
    const path: number[] = [];
    for (let k = 0; k < 5; k++) {
      opt.applyGradients([[gt.tensor(w.data(), w.shape), w]]);
      path.push(w.data()[0]);
    }
    expect(w.dtype).toBe("float32");
    expect(w.data()).toBeInstanceOf(Float32Array);
    expect(opt.getState().variables.w.slots.velocity).toBeInstanceOf(Float32Array);
    expectClose(path, momentumPath, 6);
  });

  it("plain SGD: 0.9, 0.81, 0.729, 0.6561, 0.59049", () => {
    expectClose(trajectory(new gt.optim.SGD({ learningRate: 0.1 }), 5), [0.9, 0.81, 0.729, 0.6561, 0.59049], 12);
  });

  it("the default learning rate is 0.01", () => {
    expectClose(trajectory(new gt.optim.SGD(), 2), [0.99, 0.9801], 12);
  });
});

describe("SGD variants, by hand", () => {
  it("dampening starts at the second step (the first velocity is g)", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, dampening: 0.5 });
    // step 1: v = g = 1 (undamped), w = 1 − 0.1·1 = 0.9
    // step 2: g = 0.9, v = 0.9·1 + (1 − 0.5)·0.9 = 1.35, w = 0.9 − 0.135 = 0.765
    // step 3: g = 0.765, v = 0.9·1.35 + 0.5·0.765 = 1.5975, w = 0.765 − 0.15975 = 0.60525
    expectClose(trajectory(opt, 3), [0.9, 0.765, 0.60525], 12);
    expect(opt.getState().variables.w.slots.velocity[0]).toBeCloseTo(1.5975, 12);
  });

  it("Nesterov: w ← w − lr·(g + m·v)", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    // step 1: g = 1, v = 1, w = 1 − 0.1·(1 + 0.9·1) = 0.81
    // step 2: g = 0.81, v = 0.9·1 + 0.81 = 1.71, w = 0.81 − 0.1·(0.81 + 0.9·1.71) = 0.5751
    expectClose(trajectory(opt, 2), [0.81, 0.5751], 12);
  });

  it("weight decay adds wd·w to the gradient first", () => {
    // constant gradient 1 from w = 2, lr 0.1, wd 0.5:
    // step 1: g' = 1 + 0.5·2 = 2, w = 1.8; step 2: g' = 1 + 0.9 = 1.9, w = 1.61
    expectClose(withGradient(new gt.optim.SGD({ learningRate: 0.1, weightDecay: 0.5 }), 2, 1, 2), [1.8, 1.61], 12);
    // with momentum 0.9: v = 2, w = 1.8; then v = 0.9·2 + 1.9 = 3.7, w = 1.8 − 0.37 = 1.43
    expectClose(withGradient(new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.5 }), 2, 1, 2), [1.8, 1.43], 12);
  });

  it("a schedule is called with the updates already applied, and a change mid-run takes PyTorch's form", () => {
    const calls: number[] = [];
    const lr = (step: number): number => {
      calls.push(step);
      return step < 2 ? 0.1 : 0.2;
    };
    const opt = new gt.optim.SGD({ learningRate: lr, momentum: 0.9 });
    // steps 1–2 as the article (lr 0.1): 0.9, 0.72 (v = 1.8).
    // step 3 with lr 0.2: v = 0.9·1.8 + 0.72 = 2.34, w = 0.72 − 0.2·2.34 = 0.252.
    // (Keras' v ← m·v − lr·g would give v = −0.162 − 0.144 = −0.306 and w = 0.414.)
    expectClose(trajectory(opt, 3), [0.9, 0.72, 0.252], 12);
    expect(calls).toEqual([0, 1, 2]);
    expect(opt.iterations).toBe(3);
    expect(opt.currentLearningRate()).toBe(0.2);
  });

  it("changing learningRate between steps takes effect at the next update", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1 });
    const w = gt.variable(gt.tensor([1], undefined, "float64"));
    opt.applyGradients([[gt.tensor([1], undefined, "float64"), w]]);
    opt.learningRate = 0.5;
    opt.applyGradients([[gt.tensor([1], undefined, "float64"), w]]);
    expect(w.data()[0]).toBeCloseTo(1 - 0.1 - 0.5, 12);
    expect(() => (opt.learningRate = -2)).toThrow(/SGD: invalid learning rate: -2 \(must be a finite number >= 0\)/);
  });
});

describe("SGD with a GradientTape (the article's loop)", () => {
  it("tape.gradient then applyGradients(gt.zip(grads, [w])) follows the momentum path", () => {
    const w = gt.variable(1, { dtype: "float64", name: "w" });
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const path: number[] = [];
    for (let k = 0; k < 5; k++) {
      const tape = new gt.GradientTape();
      const loss = tape.record(() => gt.mul(0.5, gt.square(w)));
      const grads = tape.gradient(loss, [w]);
      opt.applyGradients(gt.zip(grads, [w]));
      path.push(w.toArray() as number);
    }
    expectClose(path, [0.9, 0.72, 0.486, 0.2268, -0.02916], 12);
  });

  it("momentum reaches loss < 1e-3 on 0.5·(x² + 50y²) from (10, 1) in 93 steps, plain SGD in 152", () => {
    const stepsToThreshold = (opt: gt.optim.Optimizer): number => {
      const x = gt.variable(10, { dtype: "float64", name: "x" });
      const y = gt.variable(1, { dtype: "float64", name: "y" });
      for (let k = 0; k < 1000; k++) {
        const tape = new gt.GradientTape();
        const loss = tape.record(() => gt.mul(0.5, gt.add(gt.square(x), gt.mul(50, gt.square(y)))));
        if ((loss.toArray() as number) < 1e-3) return k;
        opt.applyGradients(gt.zip(tape.gradient(loss, [x, y]), [x, y]));
      }
      return Infinity;
    };
    const withMomentum = stepsToThreshold(new gt.optim.SGD({ learningRate: 0.035, momentum: 0.9 }));
    const plain = stepsToThreshold(new gt.optim.SGD({ learningRate: 0.035 }));
    expect(withMomentum).toBe(93);
    expect(plain).toBe(152);
  });
});

describe("sgdUpdate, the pure function", () => {
  const hp = { learningRate: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 };

  it("returns new arrays of the weight's type and writes into none of its arguments", () => {
    const weight = new Float32Array([1, -2]);
    const grad = new Float32Array([1, -2]);
    const first = gt.optim.sgdUpdate(weight, grad, undefined, hp);
    expect(Array.from(weight)).toEqual([1, -2]);
    expect(Array.from(grad)).toEqual([1, -2]);
    expect(first.weight).toBeInstanceOf(Float32Array);
    expect(first.weight).not.toBe(weight);
    expect(Array.from(first.velocity!)).toEqual([1, -2]);
    const velocity = first.velocity!.slice();
    const second = gt.optim.sgdUpdate(first.weight, first.weight, first.velocity, hp);
    expect(first.velocity).toEqual(velocity);
    expect(second.weight[0]).toBeCloseTo(0.72, 6);
    expect(second.weight[1]).toBeCloseTo(-1.44, 6);
  });

  it("momentum 0 keeps no velocity; mismatched lengths throw", () => {
    const r = gt.optim.sgdUpdate(new Float64Array([1]), new Float64Array([2]), undefined, { ...hp, momentum: 0 });
    expect(r.velocity).toBeUndefined();
    expect(r.weight[0]).toBeCloseTo(0.8, 15);
    expect(() => gt.optim.sgdUpdate(new Float64Array(2), new Float64Array(3), undefined, hp)).toThrow(/sgdUpdate: the gradient has 3 elements but the weight has 2/);
  });
});
