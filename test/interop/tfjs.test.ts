// The TF.js layers format both ways: gradtape models load in TF.js and predict the same numbers,
// come back into gradtape unchanged, and a model built with tf.sequential trains on in gradtape.
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import * as gt from "../../src/index.js";
import { fineTuneOneEpoch, flat, images, maxAbsDiff, maxHead, mlp, mnistCnn, trainALittle, variants } from "./models.js";

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

async function toTf(model: gt.Model): Promise<tf.LayersModel> {
  const a = gt.io.toTfjs(model);
  return tf.loadLayersModel(tf.io.fromMemory(a.modelTopology, a.weightSpecs, a.weightData as ArrayBuffer));
}

function tfPredict(model: tf.LayersModel, x: gt.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(Array.from(x.data()), x.shape.slice())) as tf.Tensor).dataSync() as Float32Array);
}

/** Predictions of gradtape, of TF.js after toTfjs, and of gradtape after fromTfjs(toTfjs). */
async function roundTrip(label: string, model: gt.Model, x: gt.Tensor): Promise<{ tfDiff: number; backDiff: number }> {
  const want = model.predict(x).data();
  const tfModel = await toTf(model);
  const tfDiff = maxAbsDiff(tfPredict(tfModel, x), want);
  const artifacts = gt.io.toTfjs(model);
  const back = gt.io.fromTfjs(artifacts);
  const backDiff = maxAbsDiff(back.predict(x).data(), want);
  expect(back.getWeights().map((w) => Array.from(w.data()))).toEqual(model.getWeights().map((w) => Array.from(w.data())));
  const bytes = (artifacts.weightData as ArrayBuffer).byteLength + JSON.stringify(artifacts.modelTopology).length;
  console.log(`${label}: ${bytes} bytes, max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, round trip ${backDiff.toExponential(2)}`);
  tfModel.dispose();
  return { tfDiff, backDiff };
}

describe("io.toTfjs and io.fromTfjs", () => {
  it("carry an MLP (dropout, tanh, a leaky relu layer, softmax) both ways", async () => {
    const model = mlp();
    await trainALittle(model, flat);
    const { tfDiff, backDiff } = await roundTrip("MLP", model, flat.test.x);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
  });

  it("carry examples/mnist-cnn.ts' CNN with batch normalization's moving statistics", async () => {
    const model = mnistCnn();
    await trainALittle(model, images);
    const { tfDiff, backDiff } = await roundTrip("CNN", model, images.test.x);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
  });

  it("carry strides, 'same' and explicit conv padding (as ZeroPadding2D), dilations, average and global pooling", async () => {
    const model = variants();
    const tfModel = await toTf(model);
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual([
      "Reshape", "Conv2D", "AveragePooling2D", "BatchNormalization", "ZeroPadding2D", "Conv2D", "MaxPooling2D", "Softmax",
      "Conv2D", "LeakyReLU", "GlobalAveragePooling2D", "BatchNormalization", "Dense", "LeakyReLU",
    ]);
    expect(maxAbsDiff(tfPredict(tfModel, flat.test.x), model.predict(flat.test.x).data())).toBeLessThanOrEqual(1e-5);
    // Back in gradtape the padding folds into its convolution again; each leaky relu stays a layer.
    const back = gt.io.fromTfjs(gt.io.toTfjs(model));
    expect(back.layers.length).toBe(model.layers.length + 2);
    expect(maxAbsDiff(back.predict(flat.test.x).data(), model.predict(flat.test.x).data())).toBe(0);
    const head = maxHead();
    expect((await roundTrip("global max", head, images.test.x)).tfDiff).toBeLessThanOrEqual(1e-5);
  });

  it("loads a CNN built with tf.sequential, predicts as TF.js does, and fine-tunes it one epoch", async () => {
    const tfModel = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: "relu", name: "conv" }),
        tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
        // A fast momentum, so one short epoch brings the moving statistics to the data's.
        tf.layers.batchNormalization({ name: "bn", momentum: 0.5 }),
        tf.layers.flatten({ name: "flat" }),
        tf.layers.dropout({ rate: 0.2, name: "drop" }),
        tf.layers.dense({ units: 10, activation: "softmax", name: "out" }),
      ],
    });
    // Moving statistics that are not the initial 0 and 1, so reading them is tested.
    const bn = tfModel.getLayer("bn");
    const [gamma, beta] = bn.getWeights();
    bn.setWeights([gamma, beta, tf.randomNormal([8], 0, 0.3, "float32", 1), tf.randomUniform([8], 0.5, 2, "float32", 2)]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }));
    const model = gt.io.fromTfjs(artifacts as unknown as gt.io.TfjsArtifacts);
    expect(model.layers.map((l) => l.className)).toEqual(["Conv2D", "MaxPooling2D", "BatchNormalization", "Flatten", "Dropout", "Dense"]);
    expect(model.nonTrainableWeights.map((v) => v.name)).toEqual(["bn/movingMean", "bn/movingVariance"]);
    const x = images.test.x;
    const diff = maxAbsDiff(model.predict(x).data(), tfPredict(tfModel, x));
    console.log(`tf.sequential CNN in gradtape: max |gradtape - tfjs| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);

    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const { before, after } = await fineTuneOneEpoch(model, images.train);
    expect(after).toBeLessThan(before * 0.8);
    tfModel.dispose();
  });
});

describe("io.saveTfjs and io.loadTfjs", () => {
  it("write model.json and group1-shard1of1.bin, which loadTfjs reads back", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradtape-tfjs-"));
    const model = mnistCnn();
    gt.io.saveTfjs(model, dir);
    expect(fs.readdirSync(dir).sort()).toEqual(["group1-shard1of1.bin", "model.json"]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    expect(json.weightsManifest[0].paths).toEqual(["group1-shard1of1.bin"]);
    expect(json.format).toBe("layers-model");
    const back = gt.io.loadTfjs(dir);
    expect(maxAbsDiff(back.predict(images.test.x).data(), model.predict(images.test.x).data())).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("io.fromTfjs errors", () => {
  const artifacts = () => gt.io.toTfjs(gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], seed: 1 })]));
  it("name the layer, the weight or the field at fault", () => {
    const a = artifacts();
    const layers = (a.modelTopology.config as { layers: gt.io.KerasLayerSpec[] }).layers;
    layers[0].class_name = "GRU";
    expect(() => gt.io.fromTfjs(a)).toThrow(/fromTfjs: layer 'dense\S*' is a GRU, which gradtape does not read; readable: InputLayer, Dense/);
    const b = artifacts();
    (b.modelTopology.config as { layers: gt.io.KerasLayerSpec[] }).layers[0].config.activation = "elu";
    expect(() => gt.io.fromTfjs(b)).toThrow(/uses the activation "elu", which gradtape does not have/);
    const c = artifacts();
    c.weightSpecs[1].name = "other/bias";
    expect(() => gt.io.fromTfjs(c)).toThrow(/needs the weight 'dense\S*\/bias' \[2\], which weightSpecs do not list/);
    const d = artifacts();
    d.weightData = new ArrayBuffer(8);
    expect(() => gt.io.fromTfjs(d)).toThrow(/weightData holds 8 bytes but weight 'dense\S*\/kernel' ends at byte 24/);
    expect(() => gt.io.toTfjs(gt.sequential([gt.layers.maxPooling2d({ padding: [[1, 0], [1, 0]], inputShape: [4, 4, 1] })]))).toThrow(/toTfjs: layer 'maxPooling2d\S*' \(MaxPooling2D\) has explicit padding/);
  });
});
