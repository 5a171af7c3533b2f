// Every public function and constructor that takes an options object rejects an unknown option
// in one way: "<where>: unknown option '<name>'; known options: a, b, c", with a suggestion when the
// name is a known one misspelt. The list below is every option-taking entry point of the API.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const BOGUS = { bogusOption: 1 };
/** Adds the unknown option to whatever the call needs. */
const w = <T extends object>(o: T = {} as T): T => ({ ...o, ...BOGUS });

const x = gt.randomNormal([4, 3], { seed: 1 });
const y = gt.tensor([0, 1, 2, 0], [4], "int32");
const probs = gt.softmax(x);
const model = () => {
  const m = gt.sequential([gt.layers.dense({ units: 3, activation: "softmax", inputShape: [3], seed: 1 })]);
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
  return m;
};
const idx = gt.data.encodeIdx([1, 2], [2], "uint8");
const series = [{ name: "loss", y: [1, 0.5] }];
const image = { values: new Float32Array(4) };

/** [where the message says it comes from, the call with an unknown option]. */
const CALLS: [string, () => unknown][] = [
  // tensors
  ["randomNormal", () => gt.randomNormal([2], w())],
  ["randomUniform", () => gt.randomUniform([2], w())],
  ["variable", () => gt.variable(gt.zeros([2]), w())],
  // tape
  ["GradientTape", () => new gt.GradientTape(w())],
  ["checkGradients", () => gt.checkGradients((a) => a.sum(), [gt.ones([2], "float64")], w())],
  // fused ops
  ["fused.matMul", () => gt.fused.matMul(w({ a: gt.ones([2, 2]), b: gt.ones([2, 2]) }))],
  ["fused.conv2d", () => gt.fused.conv2d(w({ x: gt.ones([1, 3, 3, 1]), filter: gt.ones([2, 2, 1, 1]) }))],
  // layers
  ["dense", () => gt.layers.dense(w({ units: 2 }))],
  ["conv2d", () => gt.layers.conv2d(w({ filters: 2, kernelSize: 3 }))],
  ["maxPooling2d", () => gt.layers.maxPooling2d(w())],
  ["averagePooling2d", () => gt.layers.averagePooling2d(w())],
  ["globalAveragePooling2d", () => gt.layers.globalAveragePooling2d(w())],
  ["globalMaxPooling2d", () => gt.layers.globalMaxPooling2d(w())],
  ["flatten", () => gt.layers.flatten(w())],
  ["reshape", () => gt.layers.reshape(w({ targetShape: [3] }))],
  ["dropout", () => gt.layers.dropout(w({ rate: 0.5 }))],
  ["batchNormalization", () => gt.layers.batchNormalization(w())],
  ["layerNormalization", () => gt.layers.layerNormalization(w())],
  ["embedding", () => gt.layers.embedding(w({ inputDim: 3, outputDim: 2 }))],
  ["simpleRNN", () => gt.layers.simpleRNN(w({ units: 2 }))],
  ["lstm", () => gt.layers.lstm(w({ units: 2 }))],
  ["activation", () => gt.layers.activation(w({ activation: "relu" }))],
  ["relu", () => gt.layers.relu(w())],
  ["sigmoid", () => gt.layers.sigmoid(w())],
  ["tanh", () => gt.layers.tanh(w())],
  ["softmax", () => gt.layers.softmax(w())],
  ["leakyRelu", () => gt.layers.leakyRelu(w())],
  ["d.apply", () => gt.layers.dense({ units: 2, name: "d" }).apply(x, w())],
  ["d.addWeight", () => gt.layers.dense({ units: 2, name: "d" }).addWeight("extra", [2], "zeros", w())],
  ["sequential", () => gt.sequential([], w())],
  ["call", () => model().call(x, w())],
  ["predict", () => model().predict(x, w())],
  // initializers
  ["glorotUniform", () => gt.initializers.glorotUniform([2, 2], w())],
  ["glorotNormal", () => gt.initializers.glorotNormal([2, 2], w())],
  ["heUniform", () => gt.initializers.heUniform([2, 2], w())],
  ["heNormal", () => gt.initializers.heNormal([2, 2], w())],
  ["zeros", () => gt.initializers.zeros([2, 2], w())],
  ["ones", () => gt.initializers.ones([2, 2], w())],
  ["randomNormal", () => gt.initializers.randomNormal([2, 2], w())],
  ["randomUniform", () => gt.initializers.randomUniform([2, 2], w())],
  ["orthogonal", () => gt.initializers.orthogonal([2, 2], w())],
  // losses and metrics
  ["sparseCategoricalCrossentropy", () => gt.losses.sparseCategoricalCrossentropy(y, probs, w())],
  ["categoricalCrossentropy", () => gt.losses.categoricalCrossentropy(probs, probs, w())],
  ["binaryCrossentropy", () => gt.losses.binaryCrossentropy(probs, probs, w())],
  ["huber", () => gt.losses.huber(x, x, w())],
  ["binaryAccuracy", () => gt.metrics.binaryAccuracy(probs, probs, w())],
  ["sparseTopKCategoricalAccuracy", () => gt.metrics.sparseTopKCategoricalAccuracy(y, probs, w())],
  ["precision", () => gt.metrics.precision(probs, probs, w())],
  ["recall", () => gt.metrics.recall(probs, probs, w())],
  // optimizers and schedules
  ["SGD", () => new gt.optim.SGD(w())],
  ["Adam", () => new gt.optim.Adam(w())],
  ["RMSprop", () => new gt.optim.RMSprop(w())],
  ["Adagrad", () => new gt.optim.Adagrad(w())],
  ["Adadelta", () => new gt.optim.Adadelta(w())],
  ["Adamax", () => new gt.optim.Adamax(w())],
  ["AdamW", () => new gt.optim.AdamW(w())],
  ["exponentialDecay", () => gt.optim.exponentialDecay(w({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }))],
  ["cosineDecay", () => gt.optim.cosineDecay(w({ initialLearningRate: 0.1, decaySteps: 10 }))],
  // training
  ["compile", () => model().compile(w({ optimizer: "sgd", loss: "mse" }))],
  ["fit", () => model().fit(x, y, w())],
  ["evaluate", () => model().evaluate(x, y, w())],
  ["earlyStopping", () => gt.callbacks.earlyStopping(w())],
  ["modelCheckpoint", () => gt.callbacks.modelCheckpoint("ckpt", w())],
  // data
  ["Dataset.shuffle", () => gt.data.fromTensorSlices(x).shuffle(w({ bufferSize: 4 }))],
  ["Dataset.batch", () => gt.data.fromTensorSlices(x).batch(2, w())],
  ["loadMnist", () => gt.data.loadMnist(w())],
  ["parseIdx", () => gt.data.parseIdx(idx, w())],
  ["readIdx", () => gt.data.readIdx(idx, w())],
  // saving
  ["toMemory", () => gt.toMemory(model(), w())],
  ["saveCheckpoint", () => gt.saveCheckpoint("ckpt", w({ model: model(), epoch: 0 }))],
  // plots
  ["lineChart", () => gt.plot.lineChart(w({ series }))],
  ["contourPlot", () => gt.plot.contourPlot(w({ f: (a: number, b: number) => a * a + b * b, xRange: [-1, 1] as [number, number], yRange: [-1, 1] as [number, number] }))],
  ["imageGrid", () => gt.plot.imageGrid(w({ images: [image], width: 2, height: 2 }))],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("unknown options", () => {
  it(`${CALLS.length} option-taking functions reject an unknown option with one message`, async () => {
    const wrong: string[] = [];
    for (const [where, call] of CALLS) {
      let message = "(no error)";
      try {
        await call();
      } catch (e) {
        message = (e as Error).message;
      }
      if (!new RegExp(`^${escape(where)}: unknown option 'bogusOption'; known options: \\w+(, \\w+)*$`).test(message)) wrong.push(`${where}: ${message}`);
    }
    expect(wrong).toEqual([]);
  });

  it("suggests the option meant, for snake_case, case and other libraries' names", () => {
    expect(() => gt.randomNormal([2], { stdDev: 2 } as object)).toThrow("randomNormal: unknown option 'stdDev' (did you mean 'stddev'?); known options:");
    expect(() => gt.data.loadMnist({ train_size: 10 } as object)).toThrow("loadMnist: unknown option 'train_size' (did you mean 'trainSize'?); known options: dir, trainSize, testSize, seed, shape");
    expect(() => gt.losses.binaryCrossentropy(probs, probs, { from_logits: true } as object)).toThrow("binaryCrossentropy: unknown option 'from_logits' (did you mean 'fromLogits'?); known options: fromLogits");
    expect(() => new gt.optim.SGD({ lr: 0.1 } as object)).toThrow("SGD: unknown option 'lr' (did you mean 'learningRate'?)");
  });
});
