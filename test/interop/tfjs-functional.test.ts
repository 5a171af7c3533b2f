// Functional models in the TF.js layers format: a gradtape graph loads in TF.js and predicts the
// same numbers, comes back unchanged, and a tf.model built in TF.js loads into gradtape.
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import * as gt from "../../src/index.js";

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function residual(): gt.Model {
  const x = gt.input({ shape: [4], name: "x" });
  const h = gt.layers.dense({ units: 6, activation: "relu", name: "h" }).apply(x);
  const r = gt.layers.add({ name: "skip" }).apply([gt.layers.dense({ units: 6, activation: "tanh", name: "h2" }).apply(h), h]);
  return gt.model({ inputs: x, outputs: gt.layers.dense({ units: 3, name: "out" }).apply(r), name: "residual" });
}

describe("io.toTfjs and io.fromTfjs on functional models", () => {
  it("carry a residual MLP both ways", async () => {
    const model = residual();
    const x = gt.randomNormal([5, 4], { seed: 3 });
    const want = model.predict(x).data();
    const a = gt.io.toTfjs(model);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(a.modelTopology, a.weightSpecs, a.weightData as ArrayBuffer));
    const got = tf.tidy(() => (tfModel.predict(tf.tensor(Array.from(x.data()), [5, 4])) as tf.Tensor).dataSync());
    const tfDiff = maxDiff(got, want);
    const back = gt.io.fromTfjs(a);
    const backDiff = maxDiff(back.predict(x).data(), want);
    console.log(`residual MLP: max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, round trip ${backDiff.toExponential(2)}`);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
    expect(back.getWeights().map((w) => Array.from(w.data()))).toEqual(model.getWeights().map((w) => Array.from(w.data())));
  });
});
