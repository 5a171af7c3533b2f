import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { dataset as taskOf, logitsLoss, makeModel, quiet } from "../helpers/tiny-classifier.js";

const dataset = () => taskOf(50);

const flat = (t: gt.Tensor) => Array.from(t.data());

/** fit's documented shuffle: a stable argsort of seeded uniform keys, seed `${seed}/${epoch}`. */
function epochOrder(n: number, seed: number, epoch: number): number[] {
  const keys = gt.randomUniform([n], { seed: `${seed}/${epoch}`, dtype: "float64" }).data();
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}

describe("fit", () => {
  it("gives bit-identical weights to the article's custom loop over the same seeded batches", async () => {
    const { x, y } = dataset();
    const epochs = 3;
    const batchSize = 16; // 50 samples: batches of 16, 16, 16 and a last one of 2

    const fitted = makeModel();
    fitted.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: logitsLoss, metrics: ["accuracy"] });
    await fitted.fit(x, y, { epochs, batchSize, seed: 7, ...quiet });

    // The article's loop, written out by hand.
    const model = makeModel();
    const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
    let batches = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = epochOrder(50, 7, epoch);
      for (let start = 0; start < 50; start += batchSize) {
        const idx = gt.tensor(order.slice(start, start + batchSize), undefined, "int32");
        const [xb, yb] = [gt.gather(x, idx), gt.gather(y, idx)];
        const tape = new gt.GradientTape();
        const loss = tape.record(() => {
          const predictions = model.call(xb, { training: true });
          return logitsLoss(yb, predictions);
        });
        const gradients = tape.gradient(loss, model.trainableVariables);
        optimizer.applyGradients(gt.zip(gradients, model.trainableVariables));
        batches++;
      }
    }
    expect(batches).toBe(12);
    expect(optimizer.iterations).toBe(12);
    expect((fitted.optimizer as gt.optim.SGD).iterations).toBe(12);
    fitted.weights.forEach((v, i) => {
      expect(v.name.split("/")[1]).toBe(model.weights[i].name.split("/")[1]);
      expect(flat(v)).toEqual(flat(model.weights[i]));
    });
    // and training moved the weights at all
    expect(flat(fitted.weights[0])).not.toEqual(flat(makeModel().weights[0]));
  });

  it("gives identical histories and weights for the same seed, different ones for another", async () => {
    const { x, y } = dataset();
    const run = async (seed: number) => {
      const model = makeModel();
      model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: logitsLoss, metrics: ["accuracy"] });
      const history = await model.fit(x, y, { epochs: 4, batchSize: 8, seed, validationSplit: 0.2, ...quiet });
      return { history: history.history, weights: model.weights.map(flat) };
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    expect(c.history.loss).not.toEqual(a.history.loss);
    expect(Object.keys(a.history)).toEqual(["loss", "accuracy", "val_loss", "val_accuracy"]);
    expect(a.history.loss).toHaveLength(4);
  });

  it("returns a History with Keras' names, per epoch, and keeps the last partial batch", async () => {
    const { x, y } = dataset();
    const model = makeModel();
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: logitsLoss, metrics: ["accuracy"] });
    const sizes: number[] = [];
    const history = await model.fit(x, y, {
      epochs: 2, batchSize: 20, ...quiet,
      callbacks: [{ onBatchBegin: () => void sizes.push(0), setParams: (p) => expect(p).toEqual({ epochs: 2, steps: 3, batchSize: 20, samples: 50, verbose: 0 }) }],
    });
    expect(sizes).toHaveLength(6);
    expect(history.epoch).toEqual([0, 1]);
    expect(history.params?.steps).toBe(3);
    expect(model.history).toBe(history);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(history.history.accuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
  });

  it("validationSplit validates on the last fraction of the samples, taken before shuffling", async () => {
    const { x, y } = dataset();
    const model = makeModel();
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: logitsLoss, metrics: ["accuracy"] });
    let samples = 0;
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.2, seed: 1, ...quiet, callbacks: [{ setParams: (p) => void (samples = p.samples) }] });
    expect(samples).toBe(40);
    const tail = model.evaluate(gt.slice(x, [40], [10]), gt.slice(y, [40], [10]), { batchSize: 8 });
    expect(history.history.val_loss.at(-1)).toBe(tail.loss);
    expect(history.history.val_accuracy.at(-1)).toBe(tail.accuracy);
  });

  it("validationData adds val_ metrics computed on that data after each epoch", async () => {
    const { x, y } = dataset();
    const xv = gt.randomNormal([12, 4], { seed: 7 });
    const yv = gt.tensor(Array.from({ length: 12 }, (_, i) => i % 3), undefined, "int32");
    const model = makeModel();
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: logitsLoss, metrics: ["accuracy"] });
    const history = await model.fit(x, y, { epochs: 3, validationData: [xv, yv], ...quiet });
    expect(history.history.val_loss).toHaveLength(3);
    const final = model.evaluate(xv, yv);
    expect(history.history.val_loss[2]).toBe(final.loss);
    expect(history.history.val_accuracy[2]).toBe(final.accuracy);
  });

  it("evaluate gives batch-size-weighted means over the whole set", () => {
    const { x, y } = dataset();
    const model = makeModel();
    model.compile({ optimizer: "sgd", loss: logitsLoss, metrics: ["accuracy", "acc"] });
    const whole = model.evaluate(x, y, { batchSize: 50 });
    const batched = model.evaluate(x, y, { batchSize: 16 });
    expect(batched.loss).toBeCloseTo(whole.loss, 6);
    expect(batched.accuracy).toBeCloseTo(whole.accuracy, 6);
    expect(batched.acc).toBe(batched.accuracy);
    const direct = logitsLoss(y, model.predict(x)).item();
    expect(whole.loss).toBeCloseTo(direct, 6);
  });

  it("resolves losses and metrics by name, Keras' snake_case too, and lists the known ones otherwise", async () => {
    const model = gt.sequential([gt.layers.dense({ units: 1, inputShape: [2], kernelInitializer: "zeros" })]);
    const opt = new gt.optim.SGD();
    model.compile({ optimizer: opt, loss: "mse", metrics: ["mean_squared_error" as never] });
    const r = model.evaluate(gt.tensor([[1, 1], [2, 2]]), gt.tensor([[1], [3]]));
    expect(r).toEqual({ loss: 5, mean_squared_error: 5 });
    model.compile({ optimizer: opt, loss: "sparse_categorical_crossentropy" });
    expect(() => model.compile({ optimizer: opt, loss: "squared_hinge" as never })).toThrow(
      /unknown loss "squared_hinge"; known losses: meanSquaredError, sparseCategoricalCrossentropy, categoricalCrossentropy, binaryCrossentropy/,
    );
    expect(() => model.compile({ optimizer: opt, loss: "mse", metrics: ["auc"] })).toThrow(/unknown metric "auc"; known metrics: 'accuracy'/);
    expect(() => model.compile({ optimizer: "adafactor" as never, loss: "mse" })).toThrow(/optimizer must be an optimizer such as/);
    expect(() => model.compile({ optimizer: opt, loss: "mse", metrics: ["accuracy", "accuracy"] })).toThrow(/both named 'accuracy'/);
  });

  it("rejects bad arguments before training, with clear messages", async () => {
    const { x, y } = dataset();
    const model = makeModel();
    await expect(model.fit(x, y)).rejects.toThrow("fit: the model must be compiled first: model.compile({ optimizer, loss, metrics })");
    model.compile({ optimizer: new gt.optim.SGD(), loss: logitsLoss });
    await expect(model.fit(x, gt.slice(y, [0], [40]), quiet)).rejects.toThrow("fit: x and y hold different numbers of samples: x has 50 (shape [50, 4]), y has 40 (shape [40])");
    await expect(model.fit(x, y, { batchSize: 0, ...quiet })).rejects.toThrow("fit: batchSize must be a positive integer, got 0");
    await expect(model.fit(x, y, { batchSize: 2.5, ...quiet })).rejects.toThrow("fit: batchSize must be a positive integer, got 2.5");
    await expect(model.fit(x, y, { epochs: 0, ...quiet })).rejects.toThrow("fit: epochs must be a positive integer, got 0");
    await expect(model.fit(x, y, { batch_size: 8 } as never)).rejects.toThrow("fit: unknown option 'batch_size' (did you mean 'batchSize'?)");
    await expect(model.fit(x, y, { validationSplit: 1.5, ...quiet })).rejects.toThrow("fit: validationSplit must be a number in (0, 1), got number 1.5");
    await expect(model.fit(x, y, { validationSplit: 0.1, validationData: [x, y], ...quiet })).rejects.toThrow(/validationData or validationSplit, not both/);
    await expect(model.fit(x, y, { epochs: 2, initialEpoch: 2, ...quiet })).rejects.toThrow(/initialEpoch must be an integer in \[0, epochs\)/);
    expect(() => model.evaluate(x, gt.slice(y, [0], [3]))).toThrow(/evaluate: x and y hold different numbers of samples/);
  });

  it("resumes at initialEpoch with the batches the uninterrupted run would have seen", async () => {
    const { x, y } = dataset();
    const compile = (m: gt.Model) => m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: logitsLoss });
    const full = makeModel();
    compile(full);
    await full.fit(x, y, { epochs: 2, batchSize: 10, seed: 9, ...quiet });
    const resumed = makeModel();
    compile(resumed);
    await resumed.fit(x, y, { epochs: 1, batchSize: 10, seed: 9, ...quiet });
    const history = await resumed.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 10, seed: 9, ...quiet });
    expect(history.epoch).toEqual([1]);
    // plain SGD has no state, and the dropout masks follow the layer's call count, so the runs agree
    resumed.weights.forEach((v, i) => expect(flat(v)).toEqual(flat(full.weights[i])));
  });
});
