// ONNX export: models exported with model.toONNX() run in onnxruntime-web under Node on real MNIST
// digits and give predict's numbers to 1e-5.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { runOnnx, runOnnxGraph } from "./onnx-helpers.js";
import { Doubler, flat, images, maxAbsDiff, maxHead, mlp, mnistCnn, setStatistics, trainALittle, variants } from "./models.js";

async function compare(label: string, model: gt.Model, x: gt.Tensor): Promise<number> {
  const bytes = model.toONNX();
  const got = await runOnnx(bytes, x);
  const want = model.predict(x);
  expect(got.dims).toEqual(want.shape);
  const diff = maxAbsDiff(got.data, want.data());
  console.log(`${label}: ${bytes.length} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
  return diff;
}

describe("toONNX", () => {
  it("exports an MLP, trained a little, that onnxruntime runs with predict's numbers", async () => {
    const model = mlp();
    await trainALittle(model, flat);
    expect(await compare("MLP", model, flat.test.x)).toBeLessThanOrEqual(1e-5);
  });

  it("exports examples/mnist-cnn.ts' CNN, trained a little, with predict's numbers on NHWC digits", async () => {
    const model = mnistCnn();
    await trainALittle(model, images);
    // Training moved the moving statistics away from 0 and 1, so the export must carry them.
    const bn = model.layers[2] as gt.layers.BatchNormalization;
    expect(Math.max(...Array.from(bn.movingMean!.data()).map(Math.abs))).toBeGreaterThan(1e-3);
    expect(await compare("CNN", model, images.test.x)).toBeLessThanOrEqual(1e-5);
  });

  it("carries strides, 'same' and explicit padding, dilations, average and global pooling, and softmax over channels", async () => {
    expect(await compare("variants", variants(), flat.test.x)).toBeLessThanOrEqual(1e-5);
    expect(await compare("global max", maxHead(), images.test.x)).toBeLessThanOrEqual(1e-5);
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
    expect(await compare("sequences", model, flat.test.x)).toBeLessThanOrEqual(1e-5);
  });
});

describe("toONNX of functional models", () => {
  it("exports a two-input, two-output graph with a residual add, concatenate, average, a shared layer and multiply", async () => {
    const image = gt.input({ shape: [28, 28, 1], name: "image" });
    const flatIn = gt.input({ shape: [784], name: "pixels" });
    const a = gt.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", seed: 1, name: "a" }).apply(image);
    const b = gt.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", seed: 2, name: "b" }).apply(a);
    const residual = gt.layers.add({ name: "residual" }).apply([a, b]);
    const pooled = gt.layers.maxPooling2d({ name: "pool" }).apply(residual);
    const bn = gt.layers.batchNormalization({ name: "bn" });
    const side = gt.layers.conv2d({ filters: 2, kernelSize: 1, seed: 3, name: "side" }).apply(pooled);
    const joined = gt.layers.concatenate({ axis: -1, name: "join" }).apply([bn.apply(pooled), side]);
    const features = gt.layers.flatten({ name: "flat" }).apply(joined);
    const shared = gt.layers.dense({ units: 16, activation: "tanh", seed: 4, name: "shared" });
    const mixed = gt.layers.average({ name: "avg" }).apply([shared.apply(gt.layers.dense({ units: 784, seed: 5, name: "up" }).apply(features)), shared.apply(flatIn)]);
    const gated = gt.layers.multiply({ name: "gate" }).apply([mixed, gt.layers.dense({ units: 16, activation: "sigmoid", seed: 6, name: "g" }).apply(flatIn)]);
    const logits = gt.layers.dense({ units: 10, activation: "softmax", seed: 7, name: "logits" }).apply(gated);
    const model = gt.model({ inputs: [image, flatIn], outputs: [logits, side] });
    setStatistics(model.layers.find((l) => l.name === "bn") as gt.layers.BatchNormalization, 30);

    const bytes = model.toONNX();
    const got = await runOnnxGraph(bytes, { image: images.test.x, pixels: flat.test.x });
    const [wantLogits, wantSide] = model.predict([images.test.x, flat.test.x]);
    expect(Object.keys(got).sort()).toEqual(["logits", "side"]);
    expect(got.logits.dims).toEqual(wantLogits.shape);
    expect(got.side.dims).toEqual(wantSide.shape);
    const diff = Math.max(maxAbsDiff(got.logits.data, wantLogits.data()), maxAbsDiff(got.side.data, wantSide.data()));
    console.log(`functional: ${bytes.length} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    // The shared dense layer's weights are stored once.
    const text = new TextDecoder("latin1").decode(bytes);
    expect(text.split("shared/kernel").length - 1).toBe(2 + 1);
  });
});

describe("toONNX errors and saveONNX", () => {
  it("names a layer it cannot export, and an unbuilt model", () => {
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3] }), new Doubler()]);
    expect(() => model.toONNX()).toThrow(/toONNX: layer 'doubler' \(Doubler\) cannot be exported to ONNX; exportable layers: Dense, Conv2D/);
    expect(() => gt.sequential([gt.layers.dense({ units: 2 })]).toONNX()).toThrow(/toONNX: the model sequential\S* is not built yet/);
    const ints = gt.sequential([gt.layers.flatten({ inputShape: [3], dtype: "int32", name: "flat" })]);
    expect(() => ints.toONNX()).toThrow("toONNX: layer 'flat' is int32; models export to ONNX as float32 or float64");
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
