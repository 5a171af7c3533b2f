// ONNX export: models exported with model.toONNX() run in onnxruntime-web under Node on real MNIST
// digits and give predict's numbers to 1e-5.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { maxAbsDiff, runOnnx } from "./onnx-helpers.js";

const flat = gt.data.loadMnist({ trainSize: 256, testSize: 64, seed: 1 });
const images = gt.data.loadMnist({ trainSize: 256, testSize: 64, seed: 1, shape: "image" });

async function compare(model: gt.Model, x: gt.Tensor): Promise<{ diff: number; bytes: number }> {
  const bytes = model.toONNX();
  const got = await runOnnx(bytes, x);
  const want = model.predict(x);
  expect(got.dims).toEqual(want.shape);
  return { diff: maxAbsDiff(got.data, want.data()), bytes: bytes.length };
}

describe("toONNX", () => {
  it("exports an MLP that onnxruntime runs with predict's numbers", async () => {
    const model = gt.sequential([
      gt.layers.dense({ units: 64, activation: "relu", inputShape: [784], seed: 1 }),
      gt.layers.dropout({ rate: 0.2, seed: 2 }),
      gt.layers.dense({ units: 32, activation: "tanh", seed: 3 }),
      gt.layers.leakyRelu({ alpha: 0.1 }),
      gt.layers.dense({ units: 10, activation: "softmax", seed: 4 }),
    ]);
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy" });
    await model.fit(flat.train.x, flat.train.y, { epochs: 1, batchSize: 32, seed: 0, verbose: 0 });
    const { diff, bytes } = await compare(model, flat.test.x);
    console.log(`MLP: ${bytes} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});

/** examples/mnist-cnn.ts' network. */
function mnistCnn(): gt.Model {
  return gt.sequential([
    gt.layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [28, 28, 1], seed: 1 }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.batchNormalization({ momentum: 0.9 }),
    gt.layers.relu(),
    gt.layers.conv2d({ filters: 64, kernelSize: 3, seed: 2 }),
    gt.layers.maxPooling2d({ poolSize: 2 }),
    gt.layers.batchNormalization({ momentum: 0.9 }),
    gt.layers.relu(),
    gt.layers.flatten(),
    gt.layers.dropout({ rate: 0.25, seed: 3 }),
    gt.layers.dense({ units: 128, activation: "relu", seed: 4 }),
    gt.layers.dropout({ rate: 0.25, seed: 5 }),
    gt.layers.dense({ units: 10, activation: "softmax", seed: 6 }),
  ]);
}

describe("toONNX of convolutional networks", () => {
  it("exports examples/mnist-cnn.ts' CNN, trained a little, with predict's numbers on NHWC digits", async () => {
    const model = mnistCnn();
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy" });
    await model.fit(images.train.x, images.train.y, { epochs: 1, batchSize: 64, seed: 0, verbose: 0 });
    // Training moved the moving statistics away from 0 and 1, so the export must carry them.
    const bn = model.layers[2] as gt.layers.BatchNormalization;
    expect(Math.max(...Array.from(bn.movingMean!.data()).map(Math.abs))).toBeGreaterThan(1e-3);
    const { diff, bytes } = await compare(model, images.test.x);
    console.log(`CNN: ${bytes} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it("carries strides, 'same' and explicit padding, dilations, average and global pooling, and softmax over channels", async () => {
    const moving = (layer: gt.layers.BatchNormalization, seed: number) => {
      const n = layer.movingMean!.shape[0];
      layer.movingMean!.assign(gt.randomNormal([n], { seed, stddev: 0.5 }));
      layer.movingVariance!.assign(gt.randomUniform([n], { seed: seed + 1, minval: 0.5, maxval: 2 }));
      layer.gamma!.assign(gt.randomUniform([n], { seed: seed + 2, minval: 0.5, maxval: 1.5 }));
      layer.beta!.assign(gt.randomNormal([n], { seed: seed + 3, stddev: 0.2 }));
    };
    const model = gt.sequential([
      gt.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
      gt.layers.conv2d({ filters: 6, kernelSize: [3, 5], strides: [2, 1], padding: "same", activation: "tanh", seed: 1 }),
      gt.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }),
      gt.layers.batchNormalization({ epsilon: 0.01 }),
      gt.layers.conv2d({ filters: 5, kernelSize: 3, dilationRate: 2, padding: [[1, 2], [0, 1]], activation: "sigmoid", useBias: false, seed: 2 }),
      gt.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: "same" }),
      gt.layers.softmax(),
      gt.layers.conv2d({ filters: 8, kernelSize: 1, activation: "relu", seed: 3 }),
      gt.layers.globalAveragePooling2d(),
      gt.layers.batchNormalization(),
      gt.layers.dense({ units: 6, activation: "leakyRelu", seed: 4 }),
    ]);
    moving(model.layers[3] as gt.layers.BatchNormalization, 10);
    moving(model.layers[9] as gt.layers.BatchNormalization, 20);
    const { diff } = await compare(model, flat.test.x);
    expect(diff).toBeLessThanOrEqual(1e-5);
    const maxHead = gt.sequential([
      gt.layers.conv2d({ filters: 4, kernelSize: 5, strides: 3, inputShape: [28, 28, 1], seed: 5 }),
      gt.layers.globalMaxPooling2d(),
      gt.layers.dense({ units: 3, useBias: false, seed: 6 }),
    ]);
    expect((await compare(maxHead, images.test.x)).diff).toBeLessThanOrEqual(1e-5);
  });

  it("exports dense layers on sequences (MatMul + Add) and batch normalization over any axis", async () => {
    const model = gt.sequential([
      gt.layers.reshape({ targetShape: [16, 49], inputShape: [784] }),
      gt.layers.dense({ units: 12, activation: "relu", seed: 1 }),
      gt.layers.batchNormalization({ axis: 1 }),
      gt.layers.batchNormalization({ center: false, scale: false }),
      gt.layers.dense({ units: 4, activation: "softmax", seed: 2 }),
      gt.layers.flatten(),
    ]);
    const bn = model.layers[2] as gt.layers.BatchNormalization;
    bn.movingMean!.assign(gt.randomNormal([16], { seed: 3 }));
    bn.movingVariance!.assign(gt.randomUniform([16], { seed: 4, minval: 0.5, maxval: 3 }));
    const { diff } = await compare(model, flat.test.x);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});

class Doubler extends gt.layers.Layer {
  constructor() {
    super({}, "doubler");
  }
  override get className(): string {
    return "Doubler";
  }
  call(x: gt.Tensor): gt.Tensor {
    return x.mul(2);
  }
}

describe("toONNX errors and saveONNX", () => {
  it("names a layer it cannot export, and an unbuilt model", () => {
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3] }), new Doubler()]);
    expect(() => model.toONNX()).toThrow(/toONNX: layer 'doubler' \(Doubler\) cannot be exported to ONNX; exportable layers: Dense, Conv2D/);
    expect(() => gt.sequential([gt.layers.dense({ units: 2 })]).toONNX()).toThrow(/toONNX: the model sequential\S* is not built yet/);
    const f64 = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], dtype: "float64" })]);
    expect(() => f64.toONNX()).toThrow(/only float32 models export to ONNX/);
  });

  it("saveONNX writes the same bytes atomically, replacing a previous file", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradtape-onnx-"));
    const file = path.join(dir, "model.onnx");
    fs.writeFileSync(file, "old");
    const model = gt.sequential([gt.layers.dense({ units: 3, inputShape: [4], seed: 1 })]);
    gt.saveONNX(model, file);
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(model.toONNX());
    expect(fs.readdirSync(dir)).toEqual(["model.onnx"]);
    expect(() => gt.saveONNX(model, "")).toThrow("saveONNX: path must be a file path (a non-empty string, or a file:// URL), got an empty string");
    fs.rmSync(dir, { recursive: true });
  });
});
