// The sequence layers in TF.js' layers format both ways: Embedding, LayerNormalization, SimpleRNN
// and LSTM from gradtape load in TF.js with the same predictions, and a text model built with
// tf.sequential loads in gradtape, predicts as TF.js does and fine-tunes.
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import * as gt from "../../src/index.js";
import { maxAbsDiff, textModel, tokenIds, trainOnFirstId } from "./models.js";

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

/** Labels of a task a sequence model can learn a little of in one epoch: is the first id in the lower half? */
function labels(x: gt.Tensor, inputDim: number): gt.Tensor {
  const [n, t] = x.shape;
  return gt.tensor(Array.from({ length: n }, (_, i) => (x.data()[i * t] < inputDim / 2 ? 0 : 1)), [n], "int32");
}

function tfPredict(model: tf.LayersModel, x: gt.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(Array.from(x.data()), x.shape.slice())) as tf.Tensor).dataSync() as Float32Array);
}

async function toTf(a: gt.io.TfjsArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(a.modelTopology, a.weightSpecs, a.weightData as ArrayBuffer));
}

/** TF.js' predictions after toTfjs, and gradtape's after fromTfjs(toTfjs), against gradtape's own. */
async function roundTrip(label: string, model: gt.Model, x: gt.Tensor): Promise<{ tfDiff: number; backDiff: number; classes: string[] }> {
  const want = model.predict(x).data();
  const artifacts = gt.io.toTfjs(model);
  const tfModel = await toTf(artifacts);
  const tfDiff = maxAbsDiff(tfPredict(tfModel, x), want);
  const back = gt.io.fromTfjs(artifacts);
  const backDiff = maxAbsDiff(back.predict(x).data(), want);
  expect(back.getWeights().map((w) => Array.from(w.data()))).toEqual(model.getWeights().map((w) => Array.from(w.data())));
  const bytes = (artifacts.weightData as ArrayBuffer).byteLength + JSON.stringify(artifacts.modelTopology).length;
  console.log(`${label}: ${bytes} bytes, max |tfjs - gradtape| = ${tfDiff.toExponential(2)}, round trip ${backDiff.toExponential(2)}`);
  const classes = tfModel.layers.map((l) => l.getClassName());
  tfModel.dispose();
  return { tfDiff, backDiff, classes };
}

describe("io.toTfjs and io.fromTfjs of sequence layers", () => {
  it("carry embedding → lstm → dense, trained a little, with Keras' LSTM weights unchanged", async () => {
    const model = textModel(40, 10, 12, 2);
    const x = tokenIds(64, 10, 40, 4);
    await trainOnFirstId(model, x, 2);
    const { tfDiff, backDiff, classes } = await roundTrip("embedding-lstm-dense", model, x);
    expect(classes).toEqual(["Embedding", "LSTM", "Dense"]);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
  });

  it("carry simpleRNN (returnSequences, goBackwards), layerNormalization over one and two axes, and an LSTM with relu", async () => {
    const model = gt.sequential([
      gt.layers.embedding({ inputDim: 25, outputDim: 6, inputShape: [8], seed: 1 }),
      gt.layers.simpleRNN({ units: 10, returnSequences: true, goBackwards: true, activation: "relu", seed: 2 }),
      gt.layers.layerNormalization({ epsilon: 1e-5 }),
      gt.layers.lstm({ units: 7, returnSequences: true, activation: "relu", unitForgetBias: false, useBias: false, seed: 3 }),
      gt.layers.layerNormalization({ axis: [1, 2], center: false }),
      gt.layers.simpleRNN({ units: 4, activation: "linear", seed: 4 }),
    ]);
    model.setWeights(model.getWeights().map((w, i) => (w.rank === 1 ? gt.randomNormal(w.shape, { seed: 10 + i, stddev: 0.5 }) : w)));
    const { tfDiff, backDiff, classes } = await roundTrip("recurrent variants", model, tokenIds(16, 8, 25, 5));
    expect(classes).toEqual(["Embedding", "SimpleRNN", "LayerNormalization", "LSTM", "LayerNormalization", "SimpleRNN"]);
    expect(tfDiff).toBeLessThanOrEqual(1e-5);
    expect(backDiff).toBe(0);
  });

  it("loads a text model built with tf.sequential, predicts as TF.js does, and fine-tunes it one epoch", async () => {
    const tfModel = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 9, name: "emb" }),
        tf.layers.lstm({ units: 16, recurrentActivation: "sigmoid", name: "lstm" }),
        tf.layers.dense({ units: 2, activation: "softmax", name: "out" }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }));
    const model = gt.io.fromTfjs(artifacts as unknown as gt.io.TfjsArtifacts);
    expect(model.layers.map((l) => l.className)).toEqual(["Embedding", "LSTM", "Dense"]);
    expect(model.trainableWeights.map((v) => v.name)).toEqual(["emb/embeddings", "lstm/kernel", "lstm/recurrentKernel", "lstm/bias", "out/kernel", "out/bias"]);
    const x = tokenIds(128, 9, 30, 6), y = labels(x, 30);
    const diff = maxAbsDiff(model.predict(x).data(), tfPredict(tfModel, x));
    console.log(`tf.sequential embedding-lstm-dense in gradtape: max |gradtape - tfjs| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);

    model.compile({ optimizer: new gt.optim.Adam({ learningRate: 0.02 }), loss: "sparseCategoricalCrossentropy" });
    const before = model.evaluate(x, y).loss;
    await model.fit(x, y, { epochs: 1, batchSize: 16, seed: 0, verbose: 0 });
    const after = model.evaluate(x, y).loss;
    console.log(`fine-tuned one epoch: loss ${before.toFixed(4)} -> ${after.toFixed(4)}`);
    expect(after).toBeLessThan(before);
    tfModel.dispose();
  });
});

describe("io.fromTfjs of a converted Keras file's names", () => {
  it("finds recurrent weights under Keras' cell scope (lstm/lstm_cell/kernel)", () => {
    const model = gt.sequential([
      gt.layers.simpleRNN({ units: 3, returnSequences: true, inputShape: [4, 2], seed: 1, name: "simple_rnn" }),
      gt.layers.lstm({ units: 2, seed: 2, name: "lstm" }),
    ]);
    const artifacts = gt.io.toTfjs(model);
    for (const spec of artifacts.weightSpecs) {
      const [layer, weight] = spec.name.split("/");
      spec.name = `${layer}/${layer}_cell/${weight}`;
    }
    expect(artifacts.weightSpecs.map((s) => s.name)).toContain("lstm/lstm_cell/recurrent_kernel");
    const back = gt.io.fromTfjs(artifacts);
    const x = gt.randomNormal([3, 4, 2], { seed: 3 });
    expect(maxAbsDiff(back.predict(x).data(), model.predict(x).data())).toBe(0);
  });
});

describe("io.toTfjs of float64 models", () => {
  it("writes a float64 model as float32, each weight rounded to the nearest float32", async () => {
    const f64 = { dtype: "float64" } as const;
    const model = gt.sequential([
      gt.layers.lstm({ units: 6, returnSequences: true, inputShape: [5, 3], seed: 1, ...f64 }),
      gt.layers.layerNormalization(f64),
      gt.layers.flatten(f64),
      gt.layers.dense({ units: 3, seed: 2, ...f64 }),
    ]);
    const x = gt.randomNormal([12, 5, 3], { seed: 3, dtype: "float64" });
    const artifacts = gt.io.toTfjs(model);
    expect(artifacts.weightSpecs.every((s) => s.dtype === "float32")).toBe(true);
    const tfModel = await toTf(artifacts);
    const diff = maxAbsDiff(tfPredict(tfModel, x), model.predict(x).data());
    console.log(`float64 model in TF.js: ${(artifacts.weightData as ArrayBuffer).byteLength} bytes of weights, max |tfjs - gradtape float64| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    tfModel.dispose();
    const back = gt.io.fromTfjs(artifacts);
    expect(back.layers.every((l) => l.dtype === "float32")).toBe(true);
    expect(back.getWeights().map((w) => Array.from(w.data()))).toEqual(model.getWeights().map((w) => Array.from(w.data(), Math.fround)));
  });
});

describe("sequence layers' TF.js errors", () => {
  it("name the layer and the option gradtape cannot carry", async () => {
    expect(() => gt.io.toTfjs(gt.sequential([gt.layers.simpleRNN({ units: 2, activation: "leakyRelu", inputShape: [3, 2], name: "rnn" })]))).toThrow(
      "toTfjs: layer 'rnn' (SimpleRNN) uses the activation 'leakyRelu' inside its recurrence, which TF.js' recurrent layers cannot name; use tanh, sigmoid, relu or linear",
    );
    // TF.js' own default recurrent activation is the hard sigmoid, which gradtape does not have.
    const tfModel = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 2], name: "hard" })] });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }));
    expect(() => gt.io.fromTfjs(artifacts as unknown as gt.io.TfjsArtifacts)).toThrow(/fromTfjs: layer 'hard' uses the activation "hard_?[sS]igmoid", which gradtape does not have/);
    tfModel.dispose();
    const masked = gt.io.toTfjs(gt.sequential([gt.layers.embedding({ inputDim: 5, outputDim: 2, inputShape: [3], name: "emb" })]));
    (masked.modelTopology.config as { layers: gt.io.KerasLayerSpec[] }).layers[0].config.mask_zero = true;
    expect(() => gt.io.fromTfjs(masked)).toThrow("fromTfjs: layer 'emb' masks id 0 (mask_zero), which gradtape's embedding does not; save it with mask_zero: false");
    const stateful = gt.io.toTfjs(gt.sequential([gt.layers.lstm({ units: 2, inputShape: [3, 2], name: "lstm" })]));
    (stateful.modelTopology.config as { layers: gt.io.KerasLayerSpec[] }).layers[0].config.stateful = true;
    expect(() => gt.io.fromTfjs(stateful)).toThrow("fromTfjs: layer 'lstm' sets stateful, which gradtape's recurrent layers do not do; save the model with stateful: false");
  });
});
