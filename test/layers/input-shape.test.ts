// A layer's declared inputShape is a promise about its inputs: given anything else, it stops with
// the layer's name and both shapes, in direct calls and in sequential models.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("declared inputShape", () => {
  it("flatten({ inputShape: [28, 28] }) refuses [n, 784] when called directly", () => {
    const f = gt.layers.flatten({ inputShape: [28, 28], name: "flat" });
    expect(() => f.apply(gt.zeros([5, 784]))).toThrow(
      "flat: declared inputShape [28, 28] does not match the received input of shape [5, 784] (one sample is [784]); reshape the input, or declare inputShape: [784]",
    );
    expect(f.apply(gt.ones([5, 28, 28])).shape).toEqual([5, 784]);
  });

  it("a sequential model refuses inputs that do not fit its first layer's inputShape, in call, predict, fit and evaluate", async () => {
    const model = gt.sequential([gt.layers.flatten({ inputShape: [28, 28], name: "flat" }), gt.layers.dense({ units: 10, activation: "softmax", seed: 1 })]);
    model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const x = gt.zeros([4, 784]);
    const y = gt.tensor([0, 1, 2, 3], [4], "int32");
    const message = "flat: declared inputShape [28, 28] does not match the received input of shape [4, 784]";
    expect(() => model.call(x)).toThrow(message);
    expect(() => model.predict(x)).toThrow(message);
    expect(() => model.evaluate(x, y)).toThrow(message);
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(message);
    expect(model.predict(gt.zeros([4, 28, 28])).shape).toEqual([4, 10]);
  });

  it("checks rank as well as sizes, and model.build too", () => {
    const conv = gt.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [28, 28, 1], name: "c" });
    expect(() => conv.apply(gt.zeros([2, 28, 28]))).toThrow("c: declared inputShape [28, 28, 1] does not match the received input of shape [2, 28, 28] (one sample is [28, 28])");
    const d = gt.layers.dense({ units: 2, inputShape: [4], name: "d" });
    expect(() => d.apply(gt.zeros([3, 5]))).toThrow("d: declared inputShape [4] does not match the received input of shape [3, 5]");
    expect(() => d.apply(gt.zeros([3, 2, 4]))).toThrow("d: declared inputShape [4] does not match the received input of shape [3, 2, 4] (one sample is [2, 4])");
    const m = gt.sequential([gt.layers.reshape({ targetShape: [4], inputShape: [2, 2], name: "r" })]);
    expect(() => m.build([null, 4])).toThrow("r: declared inputShape [2, 2] does not match the input shape given to build of shape [?, 4]");
  });

  it("layers without a declared inputShape take any shape they can compute on", () => {
    const d = gt.layers.dense({ units: 2, seed: 1 });
    expect(d.apply(gt.ones([3, 1, 4])).shape).toEqual([3, 1, 2]);
    expect(gt.layers.flatten().apply(gt.ones([2, 3, 4])).shape).toEqual([2, 12]);
  });

  it("a saved and loaded model keeps the check", () => {
    const model = gt.sequential([gt.layers.flatten({ inputShape: [2, 3], name: "flat" }), gt.layers.dense({ units: 1, seed: 2 })]);
    const loaded = gt.fromMemory(gt.toMemory(model)).model;
    expect(() => loaded.predict(gt.zeros([1, 6]))).toThrow("flat: declared inputShape [2, 3] does not match the received input of shape [1, 6]");
  });
});
