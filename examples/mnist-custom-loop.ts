/**
 * The article's training loop, line by line: momentum SGD consuming the tape's gradients.
 *
 *   optimizer = SGD(learning_rate=0.1, momentum=0.9)
 *   for epoch: for (x, y) in dataset:
 *     with GradientTape() as tape: predictions = model(x); loss = loss_fn(y, predictions)
 *     gradients = tape.gradient(loss, model.trainable_variables)
 *     optimizer.apply_gradients(zip(gradients, model.trainable_variables))
 *
 * Run on the bundled digits, or on the full MNIST with `--dir folder-with-idx-files`.
 */
import * as gt from "gradtape";
import { option, quick } from "./common.js";

const dir = option("dir");
const { train, test } = gt.data.loadMnist({ dir, ...(quick ? { trainSize: 1000, testSize: 500 } : {}) });
const epochs = quick ? 1 : 5;

const model = gt.sequential([
  gt.layers.dense({ units: 128, activation: "relu", inputShape: [784], seed: 1 }),
  gt.layers.dense({ units: 10, seed: 2 }),
]);
const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
const lossFn = (y: gt.Tensor, logits: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
const dataset = gt.data.fromTensorSlices([train.x, train.y]).shuffle({ seed: 0 }).batch(64);

for (let epoch = 0; epoch < epochs; epoch++) {
  let total = 0;
  let batches = 0;
  for (const [x, y] of dataset) {
    const tape = new gt.GradientTape();
    const loss = tape.record(() => {
      const predictions = model.call(x, { training: true });
      return lossFn(y, predictions);
    });
    const gradients = tape.gradient(loss, model.trainableVariables);
    optimizer.applyGradients(gt.zip(gradients, model.trainableVariables));
    total += loss.item();
    batches++;
  }
  const accuracy = gt.metrics.accuracy(test.y, model.predict(test.x)).item();
  console.log(`epoch ${epoch + 1}/${epochs}: mean training loss ${(total / batches).toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%`);
}
