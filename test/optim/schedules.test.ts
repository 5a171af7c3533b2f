// Learning-rate schedules against Keras' formulas, and their use by an optimizer.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const { exponentialDecay, piecewiseConstant, cosineDecay } = gt.optim;

describe("exponentialDecay: initial · rate^(step / decaySteps)", () => {
  it("continuous and staircase", () => {
    const lr = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(lr(0)).toBe(0.1);
    expect(lr(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 15);
    expect(lr(10)).toBeCloseTo(0.05, 15);
    expect(lr(25)).toBeCloseTo(0.1 * 0.5 ** 2.5, 15);
    const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect([stairs(0), stairs(9), stairs(10), stairs(25)]).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(stairs.config).toEqual({ name: "exponentialDecay", initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  });

  it("checks its arguments", () => {
    expect(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(/exponentialDecay: invalid decaySteps: 0 \(must be a finite number > 0\)/);
    expect(() => exponentialDecay({ initialLearningRate: 0.1, decayRate: 0.5 } as gt.optim.ExponentialDecayOptions)).toThrow(/exponentialDecay: invalid decaySteps: undefined/);
    expect(() => exponentialDecay({ initial_learning_rate: 0.1, decaySteps: 1, decayRate: 0.5 } as unknown as gt.optim.ExponentialDecayOptions)).toThrow(
      /exponentialDecay: unknown option 'initial_learning_rate' \(did you mean 'initialLearningRate'\?\)/,
    );
  });
});

describe("piecewiseConstant: values[i] while boundaries[i-1] < step <= boundaries[i]", () => {
  it("switches after each boundary, as Keras' PiecewiseConstantDecay", () => {
    const lr = piecewiseConstant([100, 110], [1, 0.5, 0.1]);
    expect([0, 100, 101, 110, 111, 10_000].map(lr)).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
  });

  it("checks lengths and order", () => {
    expect(() => piecewiseConstant([100, 110], [1, 0.5])).toThrow(/piecewiseConstant: values must have one more element than boundaries: got 2 boundaries and 2 values/);
    expect(() => piecewiseConstant([100, 100], [1, 0.5, 0.1])).toThrow(/piecewiseConstant: boundaries must increase: boundaries\[0\] is 100, boundaries\[1\] is 100/);
    expect(() => piecewiseConstant([10], [1, -0.5])).toThrow(/piecewiseConstant: invalid values\[1\]: -0.5 \(must be a finite number >= 0\)/);
  });
});

describe("cosineDecay: initial · ((1 − α)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + α)", () => {
  it("falls from the initial rate to α times it, then stays", () => {
    const lr = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    expect(lr(0)).toBeCloseTo(0.1, 15);
    expect(lr(25)).toBeCloseTo(0.1 * (0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)) + 0.1), 15);
    expect(lr(50)).toBeCloseTo(0.055, 15);
    expect(lr(100)).toBeCloseTo(0.01, 15);
    expect(lr(200)).toBeCloseTo(0.01, 15);
    expect(cosineDecay({ initialLearningRate: 1, decaySteps: 10 })(10)).toBeCloseTo(0, 15);
    expect(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 2 })).toThrow(/cosineDecay: invalid alpha: 2 \(must be a finite number in \[0, 1\]\)/);
  });
});

describe("an optimizer with a schedule", () => {
  it("update k uses schedule(k): staircase halving every 2 steps on constant gradient 1", () => {
    const opt = new gt.optim.SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.4, decaySteps: 2, decayRate: 0.5, staircase: true }) });
    const w = gt.variable(gt.tensor([0], undefined, "float64"));
    const path: number[] = [];
    for (let k = 0; k < 5; k++) {
      opt.applyGradients([[gt.tensor([1], undefined, "float64"), w]]);
      path.push(w.data()[0]);
    }
    // learning rates 0.4, 0.4, 0.2, 0.2, 0.1
    [-0.4, -0.8, -1.0, -1.2, -1.3].forEach((e, i) => expect(path[i]).toBeCloseTo(e, 14));
  });
});
