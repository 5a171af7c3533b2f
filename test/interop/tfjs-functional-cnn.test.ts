// A functional CNN (a residual block of convolutions, batch normalization, pooling, flatten, a
// dense head) trained a little on real digits, carried to TF.js and back.
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import * as gt from "../../src/index.js";
import { images, maxAbsDiff, setStatistics, trainALittle } from "./models.js";

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

/** conv → batch norm → relu → pool, then a second convolution added back onto the first (a skip). */
function residualCnn(): gt.Model {
  const x = gt.input({ shape: [28, 28, 1], name: "digit" });
  const c1 = gt.layers.conv2d({ filters: 6, kernelSize: 3, padding: "same", seed: 1, name: "c1" }).apply(x);
  const n1 = gt.layers.batchNormalization({ momentum: 0.5, name: "n1" }).apply(c1);
  const p1 = gt.layers.maxPooling2d({ poolSize: 2, name: "p1" }).apply(gt.layers.relu({ name: "r1" }).apply(n1));
  const c2 = gt.layers.conv2d({ filters: 6, kernelSize: 3, padding: "same", activation: "relu", seed: 2, name: "c2" }).apply(p1);
  const skip = gt.layers.add({ name: "skip" }).apply([p1, c2]);
  const pooled = gt.layers.averagePooling2d({ poolSize: 2, name: "p2" }).apply(skip);
  const out = gt.layers.dense({ units: 10, activation: "softmax", seed: 3, name: "out" }).apply(gt.layers.flatten({ name: "flat" }).apply(pooled));
  return gt.model({ inputs: x, outputs: out, name: "residual_cnn" });
}

describe("a functional CNN in the TF.js layers format", () => {
  it("predicts in TF.js what it predicts in gradtape on real digits, and comes back unchanged", async () => {
    const model = residualCnn();
    await trainALittle(model, images);
    // Statistics far from 0 and 1, so a mix-up of mean, variance, gamma or beta shows.
    setStatistics(model.layers.find((l) => l.name === "n1") as gt.layers.BatchNormalization, 7);
    const x = images.test.x;
    const want = model.predict(x).data();
    const a = gt.io.toTfjs(model);
    expect(a.weightSpecs.map((s) => s.name)).toEqual([
      "c1/kernel", "c1/bias", "n1/gamma", "n1/beta", "n1/moving_mean", "n1/moving_variance", "c2/kernel", "c2/bias", "out/kernel", "out/bias",
    ]);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, weightData: a.weightData as ArrayBuffer }));
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual([
      "InputLayer", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Conv2D", "Add", "AveragePooling2D", "Flatten", "Dense",
    ]);
    const got = tf.tidy(() => (tfModel.predict(tf.tensor(Array.from(x.data()), x.shape.slice())) as tf.Tensor).dataSync());
    const tfDiff = maxAbsDiff(got, want);
    const back = gt.io.fromTfjs(a);
    const backDiff = maxAbsDiff(back.predict(x).data(), want);
    const bytes = (a.weightData as ArrayBuffer).byteLength;
    console.log(`functional CNN: ${bytes} weight bytes, max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, round trip ${backDiff.toExponential(2)}`);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(back.getWeights().map((w) => Array.from(w.data()))).toEqual(model.getWeights().map((w) => Array.from(w.data())));
    // Both agree on which digit it is, for every test image.
    const argmax = (p: ArrayLike<number>) => Array.from({ length: p.length / 10 }, (_, i) => Array.from(p).slice(i * 10, i * 10 + 10).reduce((b, v, j, r) => (v > r[b] ? j : b), 0));
    expect(argmax(got)).toEqual(argmax(want));
    tfModel.dispose();
  });
});
