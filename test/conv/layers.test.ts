// The convolutional layers: the same numbers as the ops they stand for, output shapes and
// parameter counts in summary(), configs that rebuild them, saving and loading, seeded weights,
// and the errors a user meets.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const image = (shape: number[], seed = 1) => gt.randomNormal(shape, { seed });
const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));

describe("layers.conv2d", () => {
  it("is relu(conv2d(x, kernel) + bias) with the kernel [kh, kw, inChannels, filters]", () => {
    const layer = gt.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: [2, 1], padding: "same", activation: "relu", biasInitializer: "ones", seed: 3 });
    const x = image([2, 7, 6, 3]);
    const y = layer.apply(x);
    expect(layer.kernel!.shape).toEqual([3, 2, 3, 4]);
    const expected = gt.relu(gt.add(gt.conv2d(x, layer.kernel!, [2, 1], "same"), layer.bias!));
    expect(y.shape).toEqual([2, 4, 6, 4]);
    expect(Array.from(y.data())).toEqual(Array.from(expected.data()));
  });

  it("applies activations that do not fuse (softmax) after the convolution", () => {
    const layer = gt.layers.conv2d({ filters: 3, kernelSize: 1, activation: "softmax", seed: 1 });
    const y = layer.apply(image([1, 2, 2, 2]));
    const sums = gt.sum(y, -1).data();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 6));
  });

  it("draws the same kernel for the same seed, with Keras' fans for glorotUniform", () => {
    const a = gt.layers.conv2d({ filters: 8, kernelSize: 3, seed: 7 });
    const b = gt.layers.conv2d({ filters: 8, kernelSize: 3, seed: 7 });
    a.apply(image([1, 5, 5, 2])); b.apply(image([1, 5, 5, 2]));
    expect(bits(a.kernel!)).toEqual(bits(b.kernel!));
    // fanIn = 3·3·2 = 18, fanOut = 3·3·8 = 72: the limit is √(6 / 90).
    const limit = Math.sqrt(6 / 90);
    const k = Array.from(a.kernel!.data());
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.8 * limit);
  });

  it("errors: flat input, wrong channels, a window larger than the input, bad options", () => {
    expect(() => gt.sequential([gt.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [784] })])).toThrow(/conv2d(_\d+)?: expected inputs of shape \[batch, height, width, channels\], got \[\?, 784\]; for flat MNIST rows load images with loadMnist\(\{ shape: 'image' \}\)/);
    const layer = gt.layers.conv2d({ filters: 2, kernelSize: 3 });
    layer.apply(image([1, 5, 5, 3]));
    expect(() => layer.apply(image([1, 5, 5, 2]))).toThrow(/conv2d(_\d+)?: expected inputs with 3 channels \(kernel \[3, 3, 3, 2\]\), got \[1, 5, 5, 2\]/);
    expect(() => gt.layers.conv2d({ filters: 2, kernelSize: 9 }).apply(image([1, 5, 5, 1]))).toThrow(/the window's height 9 is larger than the padded input's height 5/);
    expect(() => gt.layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow(/conv2d: filters must be a positive integer, got 0/);
    expect(() => gt.layers.conv2d({ filters: 2, kernelSize: 0 })).toThrow(/kernelSize must be a positive integer or \[height, width\]/);
    expect(() => gt.layers.conv2d({ filters: 2, kernelSize: 3, padding: "full" as never })).toThrow(/padding must be 'valid', 'same'/);
    expect(() => gt.layers.conv2d({ filters: 2, kernel_size: 3 } as never)).toThrow(/kernel_size/);
  });
});

function cnn() {
  return gt.sequential([
    gt.layers.reshape({ targetShape: [8, 8, 1], inputShape: [64] }),
    gt.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", padding: "same", seed: 1 }),
    gt.layers.batchNormalization(),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.conv2d({ filters: 6, kernelSize: 3, activation: "tanh", seed: 2 }),
    gt.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: "same" }),
    gt.layers.globalAveragePooling2d(),
    gt.layers.dense({ units: 3, seed: 3 }),
  ]);
}

describe("a small CNN as a sequential model", () => {
  it("summary() gives Keras' output shapes and parameter counts", () => {
    const lines: string[] = [];
    cnn().summary((l) => lines.push(l));
    const text = lines.join("\n");
    for (const [cls, shape, params] of [
      ["Reshape", "(None, 8, 8, 1)", 0], ["Conv2D", "(None, 8, 8, 4)", 3 * 3 * 1 * 4 + 4],
      ["BatchNormalization", "(None, 8, 8, 4)", 16], ["MaxPooling2D", "(None, 4, 4, 4)", 0],
      ["Conv2D", "(None, 2, 2, 6)", 3 * 3 * 4 * 6 + 6], ["AveragePooling2D", "(None, 2, 2, 6)", 0],
      ["GlobalAveragePooling2D", "(None, 6)", 0], ["Dense", "(None, 3)", 21],
    ] as const) {
      expect(text).toMatch(new RegExp(`\\(${cls}\\)\\s+${shape.replace(/[()]/g, "\\$&")}\\s+${params}\\b`));
    }
    expect(text).toMatch(/Non-trainable params: 8\b/);
  });

  it("config round trip and save/load give the same predictions, bit for bit", () => {
    const model = cnn();
    const x = image([5, 64], 9);
    const before = model.predict(x);
    const copy = gt.layers.modelFromConfig(JSON.parse(JSON.stringify(model.getConfig())));
    copy.setWeights(model.getWeights());
    expect(bits(copy.predict(x))).toEqual(bits(before));
    const loaded = gt.fromMemory(gt.toMemory(model)).model;
    expect(bits(loaded.predict(x))).toEqual(bits(before));
    expect(loaded.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
  });

  it("trains: momentum SGD lowers the loss, and gradients reach every trainable weight", async () => {
    const model = cnn();
    const x = image([32, 64], 4);
    const y = gt.tensor(Array.from({ length: 32 }, (_, i) => i % 3), [32], "int32");
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: (t, p) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true }) });
    const tape = new gt.GradientTape();
    const loss = tape.record(() => gt.losses.sparseCategoricalCrossentropy(y, model.call(x, { training: true }), { fromLogits: true }));
    const grads = tape.gradient(loss, model.trainableVariables);
    grads.forEach((g) => expect(g.abs().max().item()).toBeGreaterThan(0));
    const history = await model.fit(x, y, { epochs: 8, batchSize: 8, seed: 1, verbose: 0 });
    expect(history.history.loss[7]).toBeLessThan(history.history.loss[0] * 0.8);
  });
});

describe("pooling, global pooling and reshape layers", () => {
  const x = image([2, 6, 5, 3]);
  it("maxPooling2d and averagePooling2d are the ops with Keras' defaults (strides = poolSize)", () => {
    expect(Array.from(gt.layers.maxPooling2d().apply(x).data())).toEqual(Array.from(gt.maxPool(x, 2, 2).data()));
    expect(Array.from(gt.layers.averagePooling2d({ poolSize: [3, 2], padding: "same" }).apply(x).data()))
      .toEqual(Array.from(gt.avgPool(x, [3, 2], [3, 2], "same").data()));
  });
  it("global poolings reduce height and width", () => {
    expect(Array.from(gt.layers.globalAveragePooling2d().apply(x).data())).toEqual(Array.from(gt.mean(x, [1, 2]).data()));
    expect(Array.from(gt.layers.globalMaxPooling2d().apply(x).data())).toEqual(Array.from(gt.max(x, [1, 2]).data()));
  });
  it("reshape fills in -1 and names a size that does not fit", () => {
    expect(gt.layers.reshape({ targetShape: [-1, 3] }).apply(x).shape).toEqual([2, 30, 3]);
    expect(() => gt.layers.reshape({ targetShape: [7, 7] }).apply(x)).toThrow(/reshape(_\d+)?: cannot reshape samples of \[6, 5, 3\] \(90 elements\) to targetShape \[7, 7\]/);
    expect(() => gt.layers.reshape({ targetShape: [-1, -1] })).toThrow(/at most one -1/);
  });
  it("pooling layers refuse flat input with a hint", () => {
    expect(() => gt.layers.maxPooling2d().apply(gt.zeros([4, 784]))).toThrow(/maxPooling2d(_\d+)?: expected inputs of shape \[batch, height, width, channels\], got \[\?, 784\]; for flat MNIST rows/);
    expect(() => gt.layers.maxPooling2d({ poolSize: 0 })).toThrow(/poolSize must be a positive integer/);
  });
});

describe("loadMnist({ shape: 'image' })", () => {
  it("gives the same pixels as [n, 28, 28, 1]", () => {
    const flat = gt.data.loadMnist({ trainSize: 10, testSize: 5 });
    const img = gt.data.loadMnist({ trainSize: 10, testSize: 5, shape: "image" });
    expect(img.train.x.shape).toEqual([10, 28, 28, 1]);
    expect(img.test.x.shape).toEqual([5, 28, 28, 1]);
    expect(Array.from(img.train.x.data())).toEqual(Array.from(flat.train.x.data()));
    expect(Array.from(img.test.y.data())).toEqual(Array.from(flat.test.y.data()));
    expect(() => gt.data.loadMnist({ shape: "nhwc" as never })).toThrow(/loadMnist: shape must be 'flat' \(\[n, 784\]\) or 'image' \(\[n, 28, 28, 1\]\), got "nhwc"/);
  });
});
