// The models the interop tests carry to ONNX and TF.js and back: an MLP, examples/mnist-cnn.ts'
// CNN, and a network that exercises every option a converter must carry over.
import * as gt from "../../src/index.js";

export const flat = gt.data.loadMnist({ trainSize: 256, testSize: 64, seed: 1 });
export const images = gt.data.loadMnist({ trainSize: 256, testSize: 64, seed: 1, shape: "image" });

export function mlp(): gt.Model {
  return gt.sequential([
    gt.layers.dense({ units: 64, activation: "relu", inputShape: [784], seed: 1 }),
    gt.layers.dropout({ rate: 0.2, seed: 2 }),
    gt.layers.dense({ units: 32, activation: "tanh", seed: 3 }),
    gt.layers.leakyRelu({ alpha: 0.1 }),
    gt.layers.dense({ units: 10, activation: "softmax", seed: 4 }),
  ]);
}

/** examples/mnist-cnn.ts' network (examples/mnist-cnn-network.ts). */
export { mnistCnn } from "../../examples/mnist-cnn-network.js";

/** Gives a batch normalization layer statistics and an affine map far from 0 and 1 (seeded). */
export function setStatistics(layer: gt.layers.BatchNormalization, seed: number): void {
  const n = layer.movingMean!.shape[0];
  layer.movingMean!.assign(gt.randomNormal([n], { seed, stddev: 0.5 }));
  layer.movingVariance!.assign(gt.randomUniform([n], { seed: seed + 1, minval: 0.5, maxval: 2 }));
  layer.gamma?.assign(gt.randomUniform([n], { seed: seed + 2, minval: 0.5, maxval: 1.5 }));
  layer.beta?.assign(gt.randomNormal([n], { seed: seed + 3, stddev: 0.2 }));
}

/**
 * Strides, 'same' and explicit padding, dilations, average pooling, softmax over channels,
 * global pooling, batch normalization of images and of features, leaky relu fused into a
 * convolution and a dense layer; flat input.
 */
export function variants(): gt.Model {
  const model = gt.sequential([
    gt.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
    gt.layers.conv2d({ filters: 6, kernelSize: [3, 5], strides: [2, 1], padding: "same", activation: "tanh", seed: 1 }),
    gt.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }),
    gt.layers.batchNormalization({ epsilon: 0.01 }),
    gt.layers.conv2d({ filters: 5, kernelSize: 3, dilationRate: 2, padding: [[1, 2], [0, 1]], activation: "sigmoid", useBias: false, seed: 2 }),
    gt.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: "same" }),
    gt.layers.softmax(),
    gt.layers.conv2d({ filters: 8, kernelSize: 1, activation: "leakyRelu", seed: 3 }),
    gt.layers.globalAveragePooling2d(),
    gt.layers.batchNormalization({ center: false }),
    gt.layers.dense({ units: 6, activation: "leakyRelu", seed: 4 }),
  ]);
  setStatistics(model.layers[3] as gt.layers.BatchNormalization, 10);
  setStatistics(model.layers[9] as gt.layers.BatchNormalization, 20);
  return model;
}

/** A global max pooling head on strided 5×5 convolutions, without biases in the dense layer. */
export function maxHead(): gt.Model {
  return gt.sequential([
    gt.layers.conv2d({ filters: 4, kernelSize: 5, strides: 3, inputShape: [28, 28, 1], seed: 5 }),
    gt.layers.globalMaxPooling2d(),
    gt.layers.dense({ units: 3, useBias: false, seed: 6 }),
  ]);
}

/** Trains a model one epoch on the digits (moving statistics move, weights leave their draw). */
export async function trainALittle(model: gt.Model, data: typeof flat): Promise<void> {
  model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: "sparseCategoricalCrossentropy" });
  await model.fit(data.train.x, data.train.y, { epochs: 1, batchSize: 64, seed: 0, verbose: 0 });
}

/** The largest absolute difference between two arrays of one length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ: ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Seeded ids in [0, inputDim), as an int32 tensor [batch, time]. */
export function tokenIds(batch: number, time: number, inputDim: number, seed: number): gt.Tensor {
  const u = gt.randomUniform([batch, time], { seed, minval: 0, maxval: inputDim });
  return gt.tensor(Array.from(u.data(), (v) => Math.min(inputDim - 1, Math.floor(v))), [batch, time], "int32");
}

/** embedding → lstm → dense softmax over `classes`, seeded. */
export function textModel(inputDim: number, length: number, units: number, classes: number): gt.Model {
  return gt.sequential([
    gt.layers.embedding({ inputDim, outputDim: 8, inputLength: length, seed: 1 }),
    gt.layers.lstm({ units, seed: 2 }),
    gt.layers.dense({ units: classes, activation: "softmax", seed: 3 }),
  ]);
}

/** Trains a sequence model one epoch on a seeded task (the first id modulo `classes`) so its weights leave their draw. */
export async function trainOnFirstId(model: gt.Model, x: gt.Tensor, classes: number): Promise<void> {
  const y = gt.tensor(Array.from({ length: x.shape[0] }, (_, i) => x.data()[i * x.shape[1]] % classes), [x.shape[0]], "int32");
  model.compile({ optimizer: new gt.optim.Adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy" });
  await model.fit(x, y, { epochs: 1, batchSize: 16, seed: 0, verbose: 0 });
}

/** A layer of the user's own, which neither ONNX nor TF.js can express. */
export class Doubler extends gt.layers.Layer {
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

/** The training loss on `split` before and after one epoch of `fit` (batch 32, seed 0), printed. */
export async function fineTuneOneEpoch(model: gt.Model, split: { x: gt.Tensor; y: gt.Tensor }): Promise<{ before: number; after: number }> {
  const before = model.evaluate(split.x, split.y).loss;
  await model.fit(split.x, split.y, { epochs: 1, batchSize: 32, seed: 0, verbose: 0 });
  const after = model.evaluate(split.x, split.y).loss;
  console.log(`fine-tuned one epoch: loss ${before.toFixed(3)} -> ${after.toFixed(3)}`);
  return { before, after };
}
