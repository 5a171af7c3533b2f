// Functional models in the TF.js layers format: a gradtape graph loads in TF.js and predicts the
// same numbers, comes back unchanged, and a tf.model built in TF.js loads into gradtape.
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import * as gt from "../../src/index.js";
import { Doubler, fineTuneOneEpoch } from "./models.js";

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

type Entry = { class_name: string; name: string; inbound_nodes: [string, number, number, object][][] };
const topologyLayers = (a: gt.io.TfjsArtifacts) => (a.modelTopology.config as { layers: Entry[] }).layers;

/** Two inputs listed b before a, one encoder shared by both, concatenate and add, two outputs. */
function twoByTwo(): gt.Model<gt.Tensor[]> {
  const a = gt.input({ shape: [5], name: "a" });
  const b = gt.input({ shape: [3], name: "b" });
  const lift = gt.layers.dense({ units: 5, activation: "tanh", seed: 1, name: "lift" }).apply(b);
  const enc = gt.layers.dense({ units: 4, activation: "relu", seed: 2, name: "enc" });
  const ea = enc.apply(a);
  const eb = enc.apply(lift);
  const sum = gt.layers.add({ name: "sum" }).apply([ea, eb]);
  const cat = gt.layers.concatenate({ name: "cat" }).apply([ea, eb, a]);
  const probs = gt.layers.dense({ units: 3, activation: "softmax", seed: 3, name: "probs" }).apply(cat);
  const score = gt.layers.dense({ units: 1, seed: 4, name: "score" }).apply(sum);
  return gt.model({ inputs: [b, a], outputs: [score, probs], name: "two_by_two" });
}

describe("functional models with several inputs, outputs and a shared layer", () => {
  it("go to TF.js and back with the shared layer's weights once and its node indices kept", async () => {
    const model = twoByTwo();
    const xb = gt.randomNormal([6, 3], { seed: 5 });
    const xa = gt.randomNormal([6, 5], { seed: 6 });
    const [wantScore, wantProbs] = model.predict([xb, xa]);
    const a = gt.io.toTfjs(model);
    expect(a.weightSpecs.map((s) => s.name)).toEqual(["lift/kernel", "lift/bias", "enc/kernel", "enc/bias", "probs/kernel", "probs/bias", "score/kernel", "score/bias"]);
    const layers = topologyLayers(a);
    const inbound = (name: string) => layers.find((l) => l.name === name)?.inbound_nodes;
    expect(inbound("enc")).toEqual([[["a", 0, 0, {}]], [["lift", 0, 0, {}]]]);
    expect(inbound("sum")).toEqual([[["enc", 0, 0, {}], ["enc", 1, 0, {}]]]);
    expect(inbound("cat")).toEqual([[["enc", 0, 0, {}], ["enc", 1, 0, {}], ["a", 0, 0, {}]]]);
    const c = a.modelTopology.config as { input_layers: unknown; output_layers: unknown };
    expect(c.input_layers).toEqual([["b", 0, 0], ["a", 0, 0]]);
    expect(c.output_layers).toEqual([["score", 0, 0], ["probs", 0, 0]]);

    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(a.modelTopology, a.weightSpecs, a.weightData as ArrayBuffer));
    expect(tfModel.inputs.map((t) => t.shape)).toEqual([[null, 3], [null, 5]]);
    expect(tfModel.outputNames).toEqual(["score", "probs"]);
    const [tfScore, tfProbs] = tf.tidy(() => (tfModel.predict([tf.tensor(Array.from(xb.data()), [6, 3]), tf.tensor(Array.from(xa.data()), [6, 5])]) as tf.Tensor[]).map((t) => t.dataSync()));
    const tfDiff = Math.max(maxDiff(tfScore, wantScore.data()), maxDiff(tfProbs, wantProbs.data()));
    // The shared layer is one layer with two nodes in TF.js too.
    expect(tfModel.getLayer("enc").inboundNodes.length).toBe(2);

    const back = gt.io.fromTfjs(a) as unknown as gt.Model<gt.Tensor[]>;
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const [backScore, backProbs] = back.predict([xb, xa]);
    const backDiff = Math.max(maxDiff(backScore.data(), wantScore.data()), maxDiff(backProbs.data(), wantProbs.data()));
    console.log(`two inputs, two outputs, shared: max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, round trip ${backDiff.toExponential(2)}`);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
    tfModel.dispose();
  });
});

/** Saves a TF.js model to its artifacts in memory. */
async function saved(m: tf.LayersModel): Promise<gt.io.TfjsArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (x) => {
    artifacts = x;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  return artifacts as unknown as gt.io.TfjsArtifacts;
}

const images = gt.data.loadMnist({ trainSize: 256, testSize: 64, seed: 3, shape: "image" });

describe("a functional model built in TF.js", () => {
  it("loads into gradtape, predicts what TF.js predicts, and fine-tunes one epoch", async () => {
    // Seeded initializers, so the model and the losses measured are the same on every run.
    const x = tf.input({ shape: [28, 28, 1], name: "img" });
    const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: "relu", name: "conv", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(x) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ momentum: 0.5, name: "bn" }).apply(conv) as tf.SymbolicTensor;
    const pooled = tf.layers.flatten({ name: "flat_conv" }).apply(tf.layers.maxPooling2d({ poolSize: 4, name: "pool" }).apply(bn)) as tf.SymbolicTensor;
    const direct = tf.layers.dense({ units: 16, activation: "relu", name: "direct", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(tf.layers.flatten({ name: "flat_img" }).apply(x)) as tf.SymbolicTensor;
    const h = tf.layers.dense({ units: 16, activation: "relu", name: "h", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(pooled) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: "join" }).apply([tf.layers.add({ name: "plus" }).apply([h, direct]) as tf.SymbolicTensor, pooled]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 10, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(joined) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: x, outputs: out, name: "tf_functional" });
    const bnLayer = tfModel.getLayer("bn");
    const [gamma, beta] = bnLayer.getWeights();
    bnLayer.setWeights([gamma, beta, tf.randomNormal([6], 0, 0.3, "float32", 1), tf.randomUniform([6], 0.5, 2, "float32", 2)]);
    const artifacts = await saved(tfModel);

    const model = gt.io.fromTfjs(artifacts);
    expect(model.layers.map((l) => l.className)).toEqual(["InputLayer", "Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Flatten", "Dense", "Dense", "Add", "Concatenate", "Dense"]);
    expect(model.nonTrainableWeights.map((v) => v.name)).toEqual(["bn/movingMean", "bn/movingVariance"]);
    const tx = images.test.x;
    const tfOut = tf.tidy(() => (tfModel.predict(tf.tensor(Array.from(tx.data()), tx.shape.slice())) as tf.Tensor).dataSync());
    const diff = maxDiff(model.predict(tx).data(), tfOut);
    console.log(`tf.model CNN in gradtape: max |gradtape - tfjs| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);

    model.compile({ optimizer: new gt.optim.Adam({ learningRate: 0.005 }), loss: "sparseCategoricalCrossentropy" });
    const { before, after } = await fineTuneOneEpoch(model, images.train);
    expect(after).toBeLessThan(before * 0.8);
    tfModel.dispose();
  });
});

describe("functional models toTfjs cannot express", () => {
  it("fail naming the layer and its class", () => {
    const x = gt.input({ shape: [3], name: "x" });
    const model = gt.model({ inputs: x, outputs: new Doubler().apply(gt.layers.dense({ units: 2, name: "d" }).apply(x)) });
    expect(() => gt.io.toTfjs(model)).toThrow(/toTfjs: layer 'doubler' \(Doubler\) has no TF.js counterpart here; convertible layers: InputLayer, Add/);
  });
});

describe("a functional CNN made in gradtape", () => {
  it("predicts the same digits in TF.js and comes back unchanged", async () => {
    const x = gt.input({ shape: [28, 28, 1], name: "img" });
    const c = gt.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same", seed: 1, name: "c1" }).apply(x);
    const n = gt.layers.relu({ name: "r1" }).apply(gt.layers.batchNormalization({ momentum: 0.5, name: "bn1" }).apply(c));
    const p = gt.layers.maxPooling2d({ poolSize: 2, name: "p1" }).apply(n);
    const skip = gt.layers.averagePooling2d({ poolSize: 2, name: "p_skip" }).apply(x);
    const both = gt.layers.concatenate({ name: "both" }).apply([p, skip]);
    const f = gt.layers.flatten({ name: "flat" }).apply(gt.layers.maxPooling2d({ poolSize: 2, name: "p2" }).apply(both));
    const out = gt.layers.dense({ units: 10, activation: "softmax", seed: 2, name: "out" }).apply(f);
    const model = gt.model({ inputs: x, outputs: out, name: "fn_cnn" });
    // One epoch moves the weights and the moving statistics away from their initial values.
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy" });
    await model.fit(images.train.x, images.train.y, { epochs: 1, batchSize: 64, seed: 0, verbose: 0 });
    const tx = images.test.x;
    const want = model.predict(tx).data();
    const a = gt.io.toTfjs(model);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(a.modelTopology, a.weightSpecs, a.weightData as ArrayBuffer));
    const got = tf.tidy(() => (tfModel.predict(tf.tensor(Array.from(tx.data()), tx.shape.slice())) as tf.Tensor).dataSync());
    const tfDiff = maxDiff(got, want);
    const back = gt.io.fromTfjs(await saved(tfModel));
    const backDiff = maxDiff(back.predict(tx).data(), want);
    console.log(`functional CNN: ${(a.weightData as ArrayBuffer).byteLength} weight bytes, max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, back through tf.model.save ${backDiff.toExponential(2)}`);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBeLessThanOrEqual(1e-5);
    expect(back.nonTrainableWeights.map((v) => v.name)).toEqual(["bn1/movingMean", "bn1/movingVariance"]);
    tfModel.dispose();
  });
});

describe("explicit convolution padding in a functional model", () => {
  it("goes to TF.js as ZeroPadding2D + Conv2D and folds back into one convolution", async () => {
    const x = gt.input({ shape: [9, 9, 2], name: "img" });
    const c = gt.layers.conv2d({ filters: 3, kernelSize: 3, padding: [[1, 1], [0, 2]], activation: "relu", seed: 1, name: "padded" }).apply(x);
    const s = gt.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", seed: 2, name: "same" }).apply(x);
    const y = gt.layers.flatten({ name: "flat" }).apply(gt.layers.concatenate({ name: "cat" }).apply([gt.layers.maxPooling2d({ poolSize: 2, name: "pool" }).apply(c), gt.layers.maxPooling2d({ poolSize: 2, name: "pool_same" }).apply(s)]));
    const model = gt.model({ inputs: x, outputs: y, name: "padded_fn" });
    const input = gt.randomNormal([4, 9, 9, 2], { seed: 7 });
    const want = model.predict(input).data();
    const a = gt.io.toTfjs(model);
    expect(topologyLayers(a).map((l) => l.class_name).slice(0, 3)).toEqual(["InputLayer", "ZeroPadding2D", "Conv2D"]);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(a.modelTopology, a.weightSpecs, a.weightData as ArrayBuffer));
    const tfDiff = maxDiff(tf.tidy(() => (tfModel.predict(tf.tensor(Array.from(input.data()), [4, 9, 9, 2])) as tf.Tensor).dataSync()), want);
    const back = gt.io.fromTfjs(a);
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const backDiff = maxDiff(back.predict(input).data(), want);
    console.log(`functional explicit padding: max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, round trip ${backDiff.toExponential(2)}`);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
    tfModel.dispose();
  });
});
