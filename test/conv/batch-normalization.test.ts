// Batch normalization with Keras' semantics: batch statistics and moving-average updates in
// training, moving statistics otherwise and when frozen, its weights' order and trainability,
// gradients against central differences, and checkpoints that resume bit for bit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));
const batch = (seed: number, shape = [4, 3, 3, 2]) => gt.randomNormal(shape, { seed, mean: 2, stddev: 3, dtype: "float64" });

/** Per-channel mean and biased variance of an NHWC batch, computed here. */
function channelStats(x: gt.Tensor): { mean: number[]; variance: number[] } {
  const c = x.shape[x.rank - 1];
  const v = x.data();
  const mean = new Array(c).fill(0), variance = new Array(c).fill(0);
  const n = v.length / c;
  for (let i = 0; i < v.length; i++) mean[i % c] += v[i] / n;
  for (let i = 0; i < v.length; i++) variance[i % c] += (v[i] - mean[i % c]) ** 2 / n;
  return { mean, variance };
}

describe("layers.batchNormalization", () => {
  it("training: normalizes with the batch's mean and biased variance, then gamma and beta", () => {
    const bn = gt.layers.batchNormalization({ dtype: "float64", epsilon: 1e-3 });
    const x = batch(1);
    bn.apply(x);
    bn.gamma!.assign(gt.tensor([2, 0.5], [2], "float64"));
    bn.beta!.assign(gt.tensor([1, -1], [2], "float64"));
    const y = bn.apply(x, { training: true }).data();
    const { mean, variance } = channelStats(x);
    x.data().forEach((v, i) => {
      const c = i % 2;
      expect(y[i]).toBeCloseTo([2, 0.5][c] * (v - mean[c]) / Math.sqrt(variance[c] + 1e-3) + [1, -1][c], 12);
    });
  });

  it("inference (and predict): uses the moving statistics, whatever the batch", () => {
    const bn = gt.layers.batchNormalization({ dtype: "float64" });
    const x = batch(2);
    bn.apply(x);
    bn.movingMean!.assign(gt.tensor([1, 2], [2], "float64"));
    bn.movingVariance!.assign(gt.tensor([4, 9], [2], "float64"));
    const y = bn.apply(x).data();
    x.data().forEach((v, i) => expect(y[i]).toBeCloseTo((v - [1, 2][i % 2]) / Math.sqrt([4, 9][i % 2] + 1e-3), 12));
    const model = gt.sequential([bn]);
    expect(Array.from(model.predict(x).data())).toEqual(Array.from(y));
  });

  it("moving averages: moving·momentum + batch·(1 − momentum) after each training call, over several steps", () => {
    const momentum = 0.9;
    const bn = gt.layers.batchNormalization({ momentum, dtype: "float64" });
    let mean = [0, 0], variance = [1, 1];
    for (let step = 0; step < 5; step++) {
      const x = batch(10 + step);
      bn.apply(x, { training: true });
      const s = channelStats(x);
      mean = mean.map((m, c) => m * momentum + s.mean[c] * (1 - momentum));
      variance = variance.map((m, c) => m * momentum + s.variance[c] * (1 - momentum));
      Array.from(bn.movingMean!.data()).forEach((v, c) => expect(v).toBeCloseTo(mean[c], 12));
      Array.from(bn.movingVariance!.data()).forEach((v, c) => expect(v).toBeCloseTo(variance[c], 12));
    }
    // Inference calls leave them alone.
    const before = bits(bn.movingMean!);
    bn.apply(batch(99));
    expect(bits(bn.movingMean!)).toEqual(before);
  });

  it("frozen (trainable = false): inference mode even in training calls, and no trainable weights", () => {
    const bn = gt.layers.batchNormalization({ dtype: "float64" });
    const x = batch(3);
    bn.apply(x);
    bn.trainable = false;
    const before = bits(bn.movingMean!);
    expect(Array.from(bn.apply(x, { training: true }).data())).toEqual(Array.from(bn.apply(x).data()));
    expect(bits(bn.movingMean!)).toEqual(before);
    expect(bn.trainableWeights).toEqual([]);
  });

  it("weights: gamma, beta trainable; movingMean, movingVariance not, never on a tape or in an optimizer", async () => {
    const model = gt.sequential([gt.layers.dense({ units: 3, inputShape: [2], seed: 1 }), gt.layers.batchNormalization(), gt.layers.dense({ units: 2, seed: 2 })]);
    const bn = model.layers[1] as gt.layers.BatchNormalization;
    expect(bn.weights.map((w) => w.name.split("/")[1])).toEqual(["gamma", "beta", "movingMean", "movingVariance"]);
    expect(bn.trainableWeights.map((w) => w.name.split("/")[1])).toEqual(["gamma", "beta"]);
    expect(model.trainableVariables).not.toContain(bn.movingMean);
    expect(model.getWeights().length).toBe(2 + 4 + 2);
    const x = gt.randomNormal([16, 2], { seed: 4 });
    const y = gt.tensor(Array.from({ length: 16 }, (_, i) => i % 2), [16], "int32");
    const tape = new gt.GradientTape();
    const loss = tape.record(() => gt.losses.sparseCategoricalCrossentropy(y, model.call(x, { training: true }), { fromLogits: true }));
    const g = tape.gradient(loss, [bn.movingMean!])[0];
    expect(g === null || g.abs().max().item() === 0).toBe(true);
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: (t, p) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true }) });
    await model.fit(x, y, { epochs: 2, batchSize: 8, seed: 1, verbose: 0 });
    expect(Object.keys((model.optimizer as gt.optim.Optimizer).getState().variables).some((k) => k.includes("moving"))).toBe(false);
  });

  it("training-mode input gradients (through the batch statistics) match central differences, on the last and a middle axis", () => {
    for (const axis of [-1, 1]) {
      const bn = gt.layers.batchNormalization({ dtype: "float64", axis });
      const x = batch(5, [3, 2, 2, 3]);
      bn.apply(x);
      bn.gamma!.assign(gt.tensor([1.5, -0.5, 2].slice(0, bn.gamma!.size), [bn.gamma!.size], "float64"));
      // The input's gradient is the hard part: every output depends on every input of its channel
      // through the batch mean and variance.
      const r = gt.checkGradients((input) => bn.call(input, { training: true }), [x]);
      expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(1e-6);
    }
  });

  it("options are checked", () => {
    expect(() => gt.layers.batchNormalization({ momentum: 1.5 })).toThrow(/momentum must be a number in \[0, 1\], got 1.5/);
    expect(() => gt.layers.batchNormalization({ epsilon: 0 })).toThrow(/epsilon must be a finite number > 0, got 0/);
    expect(() => gt.layers.batchNormalization({ axis: 0 }).apply(gt.zeros([2, 3]))).toThrow(/axis 0 is not a feature axis of inputs \[\?, 3\]/);
  });
});

describe("a model with batch normalization resumes from a checkpoint bit for bit", () => {
  const root = mkdtempSync(join(tmpdir(), "gradtape-bn-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const make = () => gt.sequential([
    gt.layers.reshape({ targetShape: [4, 4, 1], inputShape: [16] }),
    gt.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", seed: 1 }),
    gt.layers.batchNormalization({ momentum: 0.8 }),
    gt.layers.relu(),
    gt.layers.flatten(),
    gt.layers.dense({ units: 2, seed: 2 }),
  ]);
  const loss = (t: gt.TensorLike, p: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true });
  const x = gt.randomNormal([24, 16], { seed: 8 });
  const y = gt.tensor(Array.from({ length: 24 }, (_, i) => (i * 7) % 2), [24], "int32");
  const options = { batchSize: 6, seed: 3, verbose: 0 } as const;

  it("4 epochs straight equal 2 + checkpoint + load + 2, moving statistics included", async () => {
    const straight = make();
    straight.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss });
    await straight.fit(x, y, { epochs: 4, ...options });

    const first = make();
    first.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss });
    const h = await first.fit(x, y, { epochs: 2, ...options });
    gt.saveCheckpoint(join(root, "ckpt"), { model: first, epoch: 2, seed: 3, history: h });
    const ckpt = gt.loadCheckpoint(join(root, "ckpt"));
    ckpt.model.compile({ optimizer: ckpt.optimizer, loss });
    await ckpt.model.fit(x, y, { epochs: 4, initialEpoch: ckpt.epoch, ...options });

    expect(ckpt.model.weights.map(bits)).toEqual(straight.weights.map(bits));
    const bn = ckpt.model.layers[2] as gt.layers.BatchNormalization;
    expect(bits(bn.movingVariance!)).not.toEqual(bits(gt.ones([3])));
  });
});

describe("the fused training op (channels last)", () => {
  // Internal: the op the layer runs in training; checked here in every input and to second order.
  it("its gradients in x, gamma and beta match central differences, first and second order", async () => {
    const { batchNormTraining } = await import("../../src/ops/batch-norm.js");
    const x = batch(21, [3, 2, 2, 3]);
    const gamma = gt.tensor([1.5, -0.5, 2], [3], "float64");
    const beta = gt.tensor([0.1, 0.2, -0.3], [3], "float64");
    const first = gt.checkGradients((a, g, b) => batchNormTraining(a, g, b, 1e-3).y, [x, gamma, beta]);
    expect(first.maxRelativeError, JSON.stringify(first.worst)).toBeLessThan(1e-7);
    const r = gt.randomNormal([3, 2, 2, 3], { seed: 5, dtype: "float64" });
    const second = gt.checkGradients((a, g) => {
      const inner = new gt.GradientTape();
      inner.watch([a, g]);
      const y = inner.record(() => gt.sum(gt.mul(gt.square(batchNormTraining(a, g, beta, 1e-3).y), r)));
      const [da, dg] = inner.gradient(y, [a, g]);
      return gt.add(gt.sum(gt.mul(da, r)), gt.sum(dg));
    }, [x, gamma]);
    expect(second.maxRelativeError, JSON.stringify(second.worst)).toBeLessThan(1e-6);
    expect(second.analytic.every((g) => g.abs().max().item() > 1e-3)).toBe(true);
  });

  it("gives the composition's values: the layer on the last axis against the same layer on a transposed copy", () => {
    const x = batch(22, [4, 3, 3, 2]);
    const last = gt.layers.batchNormalization({ dtype: "float64" });
    const middle = gt.layers.batchNormalization({ dtype: "float64", axis: 1 });
    const moved = gt.transpose(x, [0, 3, 1, 2]);
    const a = last.apply(x, { training: true });
    const b = gt.transpose(middle.apply(moved, { training: true }), [0, 2, 3, 1]);
    Array.from(a.data()).forEach((v, i) => expect(v).toBeCloseTo(b.data()[i], 12));
    Array.from(last.movingVariance!.data()).forEach((v, i) => expect(v).toBeCloseTo(middle.movingVariance!.data()[i], 14));
  });
});
