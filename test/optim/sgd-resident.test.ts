// SGD's velocity resident in WebAssembly memory: same bits as the pure update, state that sees
// it, weights that stay fresh arrays, and memory that stays flat over many steps.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { kernelsFor } from "../../src/kernels/wasm/index.js";

const N = 2053;
const W0 = Float32Array.from({ length: N }, (_, i) => Math.sin(i));
const grad = (k: number): Float32Array => Float32Array.from({ length: N }, (_, i) => Math.cos(3 * i + k) * (1 + k / 10));

const OPTIONS: gt.optim.SGDOptions[] = [
  { momentum: 0.9 }, { momentum: 0.9, nesterov: true }, { momentum: 0.8, dampening: 0.3, weightDecay: 0.01 },
  { momentum: 0.9, convention: "keras" }, { momentum: 0.9, convention: "keras", weightDecay: 0.1 },
];

describe("SGD's resident velocity", () => {
  it("takes the bits of the pure sgdUpdate, and getState sees the velocity", () => {
    for (const options of OPTIONS) {
      const keras = options.convention === "keras";
      const hp = { learningRate: 0.05, momentum: options.momentum ?? 0, dampening: options.dampening ?? 0, nesterov: options.nesterov ?? false, weightDecay: options.weightDecay ?? 0, convention: options.convention };
      const opt = new gt.optim.SGD({ learningRate: 0.05, ...options });
      const v = gt.variable(gt.tensor(W0.slice()), { name: "w" });
      let w: gt.optim.FloatArray = W0.slice();
      let vel: gt.optim.FloatArray | undefined;
      for (let k = 0; k < 4; k++) {
        const g = grad(k);
        opt.applyGradients([[gt.tensor(g), v]]);
        ({ weight: w, velocity: vel } = gt.optim.sgdUpdate(w, g, vel, hp));
        expect(v.data(), JSON.stringify(options)).toEqual(w);
        const state = opt.getState().variables.w.slots[keras ? "momentum" : "velocity"];
        expect(state, JSON.stringify(options)).toEqual(vel);
        expect(state).toBeInstanceOf(Float32Array);
      }
    }
  });

  it("leaves the previous weight array as it was (tapes holding it keep it)", () => {
    const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    const v = gt.variable(gt.tensor(W0.slice()), { name: "w" });
    opt.applyGradients([[gt.tensor(grad(0)), v]]);
    const before = v.values() as Float32Array;
    const copy = before.slice();
    opt.applyGradients([[gt.tensor(grad(1)), v]]);
    expect(v.values()).not.toBe(before);
    expect(before).toEqual(copy);
  });

  it("leaves a persistent tape's values as they were: its gradient after a step equals the one before", () => {
    for (const options of [{ momentum: 0.9 }, { momentum: 0 }]) {
      const model = gt.layers.sequential([gt.layers.dense({ units: 64, activation: "relu", inputShape: [40], seed: 1 }), gt.layers.dense({ units: 4, seed: 2 })]);
      const x = gt.randomNormal([8, 40], { seed: 1 });
      const y = gt.randomNormal([8, 4], { seed: 2 });
      const opt = new gt.optim.SGD({ learningRate: 0.1, ...options });
      const tape = new gt.GradientTape({ persistent: true });
      const loss = tape.record(() => (model.call(x) as gt.Tensor).sub(y).square().mean());
      const vars = model.trainableVariables;
      const before = tape.gradient(loss, vars).map((g) => g!.data());
      opt.applyGradients(gt.zip(tape.gradient(loss, vars), vars));
      opt.applyGradients(gt.zip(tape.gradient(loss, vars), vars));
      expect(tape.gradient(loss, vars).map((g) => g!.data()), JSON.stringify(options)).toEqual(before);
    }
  });

  it("leaves a tensor read from a variable before three steps with its values", () => {
    for (const options of [{ momentum: 0.9 }, { momentum: 0 }]) {
      const opt = new gt.optim.SGD({ learningRate: 0.1, ...options });
      const v = gt.variable(gt.tensor(W0.slice()), { name: "w" });
      // A reshape shares the variable's array: it is a read that copies nothing.
      const read = v.reshape([N]);
      for (let k = 0; k < 3; k++) {
        opt.applyGradients([[gt.tensor(grad(k)), v]]);
        const after = v.reshape([N]);
        expect(after.values()).not.toBe(read.values());
        // The new weight is written into WebAssembly memory, where the next products read it.
        expect(kernelsFor("test").isResident(after.values() as Float32Array)).toBe(true);
      }
      expect(read.data(), JSON.stringify(options)).toEqual(W0);
    }
  });

  it("resumes from getState/setState with the same bits, and copies restored state in", () => {
    const make = (): gt.optim.SGD => new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true });
    const a = make();
    const va = gt.variable(gt.tensor(W0.slice()), { name: "w" });
    for (let k = 0; k < 3; k++) a.applyGradients([[gt.tensor(grad(k)), va]]);
    const saved = a.getState();
    const b = make();
    const vb = gt.variable(gt.tensor(va.data() as Float32Array), { name: "w" });
    b.setState(saved, [vb]);
    const restored = saved.variables.w.slots.velocity.slice();
    for (let k = 3; k < 6; k++) {
      a.applyGradients([[gt.tensor(grad(k)), va]]);
      b.applyGradients([[gt.tensor(grad(k)), vb]]);
    }
    expect(vb.data()).toEqual(va.data());
    expect(b.getState().variables.w.slots.velocity).toEqual(a.getState().variables.w.slots.velocity);
    // The state handed out is a copy: stepping on did not change it.
    expect(saved.variables.w.slots.velocity).toEqual(restored);
  });

  it("reuses freed blocks of the same size", () => {
    const k = kernelsFor("test");
    const p = k.allocResident("test", 3000);
    k.freeResident(p, 3000);
    expect(k.allocResident("test", 3000)).toBe(p);
    k.freeResident(p, 3000);
  });

  it("runs 5,000 steps of a small model without growing WebAssembly memory", () => {
    const model = gt.layers.sequential([gt.layers.dense({ units: 32, activation: "relu", inputShape: [40] }), gt.layers.dense({ units: 4 })]);
    const x = gt.randomNormal([8, 40], { seed: 1 });
    const y = gt.randomNormal([8, 4], { seed: 2 });
    const opt = new gt.optim.SGD({ learningRate: 0.001, momentum: 0.9 });
    const step = (): void => {
      const tape = new gt.GradientTape();
      const loss = tape.record(() => (model.call(x) as gt.Tensor).sub(y).square().mean());
      const vars = model.trainableVariables;
      opt.applyGradients(gt.zip(tape.gradient(loss, vars), vars));
    };
    const kernels = kernelsFor("test");
    const memory = kernels.memory;
    // No finalizer runs inside this synchronous loop: results take resident blocks until the
    // budget is used up, then go to the JavaScript heap; memory grows until then, never after.
    const budget = kernels.residentBudget;
    kernels.residentBudget = 2 ** 20;
    try {
      for (let i = 0; i < 300; i++) step();
      const bytes = memory.buffer.byteLength;
      for (let i = 0; i < 5000; i++) step();
      expect(memory.buffer.byteLength).toBe(bytes);
    } finally {
      kernels.residentBudget = budget;
    }
    expect(opt.getState().variables[model.trainableVariables[0].name].slots.velocity).toHaveLength(40 * 32);
  }, 20000);
});
