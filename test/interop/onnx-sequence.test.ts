// ONNX export of the sequence layers (embedding → Gather, layerNormalization → LayerNormalization,
// simpleRNN → RNN, lstm → LSTM) and of float64 models, run in onnxruntime-web and measured against
// predict: max abs difference ≤ 1e-5.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { runOnnx, runOnnxGraph, type OrtType } from "./onnx-helpers.js";
import { maxAbsDiff, textModel, tokenIds, trainOnFirstId } from "./models.js";

async function compare(label: string, model: gt.Model, x: gt.Tensor, type: OrtType = "float32"): Promise<number> {
  const bytes = model.toONNX();
  const got = await runOnnx(bytes, x, type);
  const want = model.predict(x);
  expect(got.dims).toEqual(want.shape);
  const diff = maxAbsDiff(got.data, want.data());
  console.log(`${label}: ${bytes.length} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
  return diff;
}

describe("toONNX of sequence models", () => {
  it("exports embedding → lstm → dense (ids fed as int32, LSTM gates reordered to i, o, f, c)", async () => {
    const model = textModel(50, 12, 16, 3);
    const x = tokenIds(64, 12, 50, 4);
    await trainOnFirstId(model, x, 3);
    expect(await compare("embedding-lstm-dense", model, x, "int32")).toBeLessThanOrEqual(1e-5);
  });

  it("exports embedding → simpleRNN (returnSequences) → layerNormalization → dense on every step", async () => {
    const model = gt.sequential([
      gt.layers.embedding({ inputDim: 30, outputDim: 6, inputShape: [10], seed: 1 }),
      gt.layers.simpleRNN({ units: 12, returnSequences: true, seed: 2 }),
      gt.layers.layerNormalization({ epsilon: 1e-5 }),
      gt.layers.dense({ units: 4, seed: 3 }),
    ]);
    const x = tokenIds(32, 10, 30, 5);
    await trainOnFirstId(gt.sequential([...model.layers, gt.layers.flatten(), gt.layers.dense({ units: 2, activation: "softmax", seed: 6 })]), x, 2);
    const ln = model.layers[2] as gt.layers.LayerNormalization;
    expect(Math.max(...Array.from(ln.beta!.data()).map(Math.abs))).toBeGreaterThan(1e-4);
    expect(await compare("embedding-rnn-layernorm-dense", model, x, "int32")).toBeLessThanOrEqual(1e-5);
  });

  it("carries goBackwards, returnSequences, relu and linear activations, no bias, and layer normalization over other axes", async () => {
    const model = gt.sequential([
      gt.layers.lstm({ units: 5, returnSequences: true, goBackwards: true, activation: "relu", recurrentActivation: "sigmoid", inputShape: [7, 3], seed: 1 }),
      gt.layers.layerNormalization({ axis: 1, epsilon: 0.01 }),
      gt.layers.simpleRNN({ units: 4, returnSequences: true, activation: "linear", useBias: false, seed: 2 }),
      gt.layers.layerNormalization({ axis: [-2, -1], center: false, scale: false }),
      gt.layers.simpleRNN({ units: 3, goBackwards: true, activation: "relu", seed: 3 }),
    ]);
    // Biases and normalization weights away from their zeros and ones.
    model.setWeights(model.getWeights().map((w, i) => (w.rank === 1 ? gt.randomNormal(w.shape, { seed: 10 + i, stddev: 0.5 }) : w)));
    const x = gt.randomNormal([16, 7, 3], { seed: 9 });
    expect(await compare("recurrent variants", model, x)).toBeLessThanOrEqual(1e-5);
  });

  it("exports a functional model whose int32 input only an embedding reads", async () => {
    const tokens = gt.input({ shape: [9], dtype: "int32", name: "tokens" });
    const features = gt.input({ shape: [4], name: "features" });
    const seq = gt.layers.embedding({ inputDim: 20, outputDim: 5, seed: 1, name: "emb" }).apply(tokens);
    const h = gt.layers.lstm({ units: 6, seed: 2, name: "lstm" }).apply(seq);
    const joined = gt.layers.concatenate({ name: "join" }).apply([h, features]);
    const out = gt.layers.dense({ units: 2, seed: 3, name: "out" }).apply(joined);
    const model = gt.model({ inputs: [tokens, features], outputs: out });
    const t = tokenIds(8, 9, 20, 4), f = gt.randomNormal([8, 4], { seed: 5 });
    const bytes = model.toONNX();
    const got = await runOnnxGraph(bytes, { tokens: t, features: f });
    const diff = maxAbsDiff(got.output.data, model.predict([t, f]).data());
    console.log(`functional embedding-lstm: ${bytes.length} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});

describe("toONNX of sequence layers in other places", () => {
  it("casts a float input that an embedding and a dense layer both read, and normalizes a convolution's NHWC output", async () => {
    const codes = gt.input({ shape: [5], name: "codes" });
    const looked = gt.layers.flatten({ name: "flat" }).apply(gt.layers.embedding({ inputDim: 10, outputDim: 3, seed: 1, name: "emb" }).apply(codes));
    const direct = gt.layers.dense({ units: 4, seed: 2, name: "direct" }).apply(codes);
    const model = gt.model({ inputs: codes, outputs: gt.layers.concatenate({ name: "join" }).apply([looked, direct]) });
    const x = gt.cast(tokenIds(6, 5, 10, 3), "float32");
    const bytes = model.toONNX();
    const got = await runOnnxGraph(bytes, { input: x });
    const diff = maxAbsDiff(got.output.data, model.predict(x).data());
    console.log(`float ids cast for an embedding: ${bytes.length} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);

    const cnn = gt.sequential([
      gt.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [8, 8, 2], seed: 1 }),
      gt.layers.layerNormalization({ axis: [1, 2, 3] }),
      gt.layers.conv2d({ filters: 2, kernelSize: 3, seed: 2 }),
      gt.layers.layerNormalization({ axis: -1 }),
      gt.layers.flatten(),
    ]);
    cnn.setWeights(cnn.getWeights().map((w, i) => (w.rank === 1 ? gt.randomNormal(w.shape, { seed: 10 + i, stddev: 0.5 }) : w)));
    expect(await compare("conv layer normalization", cnn, gt.randomNormal([4, 8, 8, 2], { seed: 5 }))).toBeLessThanOrEqual(1e-5);
  });
});

describe("toONNX of float64 models", () => {
  it("exports a float64 model as DOUBLE, which onnxruntime runs in double", async () => {
    const f64 = { dtype: "float64" } as const;
    const model = gt.sequential([
      gt.layers.embedding({ inputDim: 20, outputDim: 4, inputShape: [6], seed: 1, ...f64 }),
      gt.layers.flatten(f64),
      gt.layers.dense({ units: 16, activation: "tanh", seed: 2, ...f64 }),
      gt.layers.batchNormalization(f64),
      gt.layers.layerNormalization(f64),
      gt.layers.dense({ units: 3, activation: "softmax", seed: 3, ...f64 }),
    ]);
    const bn = model.layers[3] as gt.layers.BatchNormalization;
    bn.movingMean!.assign(gt.randomNormal([16], { seed: 4, stddev: 0.3, dtype: "float64" }));
    bn.movingVariance!.assign(gt.randomUniform([16], { seed: 5, minval: 0.5, maxval: 2, dtype: "float64" }));
    const x = tokenIds(10, 6, 20, 6);
    const bytes = model.toONNX();
    const got = await runOnnx(bytes, x, "int32");
    expect(got.data).toBeInstanceOf(Float64Array);
    const diff = maxAbsDiff(got.data, model.predict(x).data());
    console.log(`float64: ${bytes.length} bytes, max |onnx - predict| = ${diff.toExponential(2)}`);
    // Not 1e-15: ONNX's epsilon attributes are float32 (1e-3 is stored as 1.0000000475e-3).
    expect(diff).toBeLessThanOrEqual(1e-9);
  });

  it("refuses a model that mixes float32 and float64 layers, naming the layer", () => {
    const model = gt.sequential([
      gt.layers.dense({ units: 2, inputShape: [3], name: "a" }),
      gt.layers.dense({ units: 2, dtype: "float64", name: "b" }),
    ]);
    expect(() => model.toONNX()).toThrow("toONNX: layer 'b' is float64 but the model is float32 (its first layer's dtype); an ONNX export holds one float dtype, so build every layer with dtype 'float32'");
  });

  it("names a recurrent activation ONNX's ops do not take", () => {
    const model = gt.sequential([gt.layers.simpleRNN({ units: 2, activation: "leakyRelu", inputShape: [3, 2], name: "rnn" })]);
    expect(() => model.toONNX()).toThrow("toONNX: layer 'rnn' (SimpleRNN) uses the activation 'leakyRelu', which ONNX's recurrent ops do not take; use tanh, sigmoid, relu or linear");
  });
});
