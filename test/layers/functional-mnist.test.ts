// A residual MLP built with the functional API (dense → dense + skip via add) trained through
// `fit` on the bundled MNIST digits must generalize to held-out digits.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("a residual MLP on the bundled digits", () => {
  it("trains through fit to over 90% accuracy on 1,000 held-out digits", async () => {
    const { train, test } = gt.data.loadMnist({ trainSize: 4000, testSize: 1000, seed: 0 });
    const x = gt.input({ shape: [784], name: "pixels" });
    const h = gt.layers.dense({ units: 64, activation: "relu", name: "h", seed: 1 }).apply(x);
    const h2 = gt.layers.dense({ units: 64, activation: "relu", name: "h2", seed: 2 }).apply(h);
    const skip = gt.layers.add({ name: "skip" }).apply([h2, h]);
    const logits = gt.layers.dense({ units: 10, name: "logits", seed: 3 }).apply(skip);
    const model = gt.model({ inputs: x, outputs: logits, name: "residual_mlp" });
    model.compile({
      optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }),
      loss: (y, p) => gt.losses.sparseCategoricalCrossentropy(y, p, { fromLogits: true }),
      metrics: ["accuracy"],
    });
    const started = performance.now();
    const history = await model.fit(train.x, train.y, { epochs: 3, batchSize: 64, seed: 7, verbose: 0 });
    const { loss, accuracy } = model.evaluate(test.x, test.y);
    console.log(`residual MLP: held-out accuracy ${accuracy.toFixed(4)}, loss ${loss.toFixed(4)}; training losses ${history.history.loss.map((l) => l.toFixed(4)).join(", ")}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
    expect(accuracy).toBeGreaterThan(0.9);
  });
});
