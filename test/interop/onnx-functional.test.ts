// ONNX export of functional models: a residual MLP, a CNN whose two branches are concatenated
// and added (kept channels first in ONNX), and a model with two inputs and two outputs, each run
// in onnxruntime-web with predict's numbers to 1e-5.
import * as ort from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { runOnnx } from "./onnx-helpers.js";
import { maxAbsDiff } from "./models.js";

const flat = gt.data.loadMnist({ trainSize: 64, testSize: 32, seed: 2 });
const images = gt.data.loadMnist({ trainSize: 64, testSize: 32, seed: 2, shape: "image" });

describe("toONNX of functional models", () => {
  it("exports a residual MLP (dense, dense + skip via add)", async () => {
    const x = gt.input({ shape: [784] });
    const h = gt.layers.dense({ units: 32, activation: "relu", seed: 1 }).apply(x);
    const r = gt.layers.add().apply([gt.layers.dense({ units: 32, activation: "relu", seed: 2 }).apply(h), h]);
    const model = gt.model({ inputs: x, outputs: gt.layers.dense({ units: 10, activation: "softmax", seed: 3 }).apply(r) });
    const got = await runOnnx(model.toONNX(), flat.test.x);
    const want = model.predict(flat.test.x);
    expect(got.dims).toEqual(want.shape);
    expect(maxAbsDiff(got.data, want.data())).toBeLessThanOrEqual(1e-5);
  });

  it("exports a CNN whose branches are concatenated, multiplied, averaged, and maxed (in NCHW)", async () => {
    const x = gt.input({ shape: [28, 28, 1] });
    const a = gt.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", seed: 1 }).apply(x);
    const b = gt.layers.conv2d({ filters: 4, kernelSize: 5, padding: "same", seed: 2 }).apply(x);
    const joined = gt.layers.concatenate().apply([a, b]);
    const mixed = gt.layers.multiply().apply([gt.layers.average().apply([a, b]), gt.layers.maximum().apply([a, b])]);
    const both = gt.layers.concatenate().apply([joined, gt.layers.minimum().apply([mixed, gt.layers.subtract().apply([a, b])])]);
    const pooled = gt.layers.flatten().apply(gt.layers.maxPooling2d({ poolSize: 4 }).apply(both));
    const model = gt.model({ inputs: x, outputs: gt.layers.dense({ units: 10, seed: 3 }).apply(pooled) });
    const bytes = model.toONNX();
    const got = await runOnnx(bytes, images.test.x);
    const want = model.predict(images.test.x);
    expect(got.dims).toEqual(want.shape);
    expect(maxAbsDiff(got.data, want.data())).toBeLessThanOrEqual(1e-5);
  });

  it("names the inputs and outputs after their layers when there are several", async () => {
    const p = gt.input({ shape: [6], name: "p" });
    const q = gt.input({ shape: [6], name: "q" });
    const shared = gt.layers.dense({ units: 5, activation: "tanh", seed: 1, name: "enc" });
    const d = gt.layers.subtract({ name: "d" }).apply([shared.apply(p), shared.apply(q)]);
    const score = gt.layers.dense({ units: 1, seed: 2, name: "score" }).apply(d);
    const probs = gt.layers.dense({ units: 3, activation: "softmax", seed: 3, name: "probs" }).apply(gt.layers.concatenate({ name: "c" }).apply([d, p]));
    const model = gt.model({ inputs: [p, q], outputs: [score, probs] });
    const xp = gt.randomNormal([7, 6], { seed: 4 });
    const xq = gt.randomNormal([7, 6], { seed: 5 });
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(model.toONNX(), { executionProviders: ["wasm"] });
    try {
      const feed = (t: gt.Tensor) => new ort.Tensor("float32", Float32Array.from(t.data()), t.shape.slice());
      const out = await session.run({ p: feed(xp), q: feed(xq) });
      const [wantScore, wantProbs] = model.predict([xp, xq]);
      expect(out.score.dims).toEqual([7, 1]);
      expect(maxAbsDiff(out.score.data as Float32Array, wantScore.data())).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(out.probs.data as Float32Array, wantProbs.data())).toBeLessThanOrEqual(1e-5);
    } finally {
      await session.release();
    }
  });
});
