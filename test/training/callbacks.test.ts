import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { ProgressLogger } from "../../src/training/progress.js";

const flat = (t: gt.Tensor) => Array.from(t.data());
const allFinite = (m: gt.Model) => m.weights.every((v) => flat(v).every(Number.isFinite));

function regression(n = 20) {
  const x = gt.randomNormal([n, 3], { seed: 1 });
  const y = gt.randomNormal([n, 1], { seed: 2 });
  return { x, y };
}

function linear(lr = 0.01, kernelInitializer: gt.layers.DenseOptions["kernelInitializer"] = "glorotUniform") {
  const model = gt.sequential([gt.layers.dense({ units: 1, inputShape: [3], seed: 4, kernelInitializer })]);
  model.compile({ optimizer: new gt.optim.SGD({ learningRate: lr, momentum: 0.9 }), loss: "mse" });
  return model;
}

describe("callbacks", () => {
  it("calls the hooks in Keras' order with epoch and batch indices and logs", async () => {
    const { x, y } = regression(10);
    const model = linear();
    const events: string[] = [];
    const history = await model.fit(x, y, {
      epochs: 2, batchSize: 4, verbose: 0, validationSplit: 0.2,
      callbacks: [{
        onTrainBegin: () => void events.push("trainBegin"),
        onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
        onBatchBegin: (b) => void events.push(`batchBegin ${b}`),
        onBatchEnd: async (b, logs) => {
          await Promise.resolve();
          events.push(`batchEnd ${b} ${Object.keys(logs).join(",")}`);
        },
        onEpochEnd: (e, logs) => void events.push(`epochEnd ${e} ${Object.keys(logs).join(",")}`),
        onTrainEnd: () => void events.push("trainEnd"),
      }],
    });
    expect(events).toEqual([
      "trainBegin",
      "epochBegin 0", "batchBegin 0", "batchEnd 0 loss", "batchBegin 1", "batchEnd 1 loss", "epochEnd 0 loss,val_loss",
      "epochBegin 1", "batchBegin 0", "batchEnd 0 loss", "batchBegin 1", "batchEnd 1 loss", "epochEnd 1 loss,val_loss",
      "trainEnd",
    ]);
    expect(history.epoch).toEqual([0, 1]);
  });

  it("fit lets the event loop run between batches", async () => {
    const { x, y } = regression();
    const model = linear();
    let ticks = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 }); // 10 batches
    running = false;
    expect(ticks).toBeGreaterThanOrEqual(9);
  });

  it("setting model.stopTraining ends fit after the current batch", async () => {
    const { x, y } = regression();
    const model = linear();
    let batches = 0;
    const history = await model.fit(x, y, {
      epochs: 5, batchSize: 4, verbose: 0,
      callbacks: [{ onBatchEnd: (b) => { batches++; if (b === 1) model.stopTraining = true; } }],
    });
    expect(batches).toBe(2);
    expect(history.epoch).toEqual([0]);
    expect(model.stopTraining).toBe(true);
  });

  it("earlyStopping stops when the monitored value has not improved for `patience` epochs", async () => {
    const { x, y } = regression();
    // A learning rate of 0 keeps the loss exactly constant: epoch 0 sets the best, then no epoch improves.
    const model = gt.sequential([gt.layers.dense({ units: 1, inputShape: [3], seed: 4 })]);
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0 }), loss: "mse" });
    const stopper = gt.callbacks.earlyStopping({ monitor: "loss", patience: 2 });
    const history = await model.fit(x, y, { epochs: 10, shuffle: false, verbose: 0, callbacks: [stopper] });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(stopper.bestEpoch).toBe(0);
  });

  it("earlyStopping follows minDelta and mode, and restores the best epoch's weights at the end", () => {
    const model = linear();
    const stopper = gt.callbacks.earlyStopping({ monitor: "val_loss", patience: 2, minDelta: 0.1, restoreBestWeights: true });
    stopper.setModel(model);
    stopper.onTrainBegin();
    const kernel = model.weights[0];
    const losses = [1.0, 0.5, 0.45, 0.42, 0.9];
    const kernels: number[][] = [];
    for (const [epoch, loss] of losses.entries()) {
      kernel.assign(gt.fill(kernel.shape, epoch));
      kernels.push(flat(kernel));
      stopper.onEpochEnd(epoch, { loss: 0, val_loss: loss });
      if (model.stopTraining) break;
    }
    // 0.45 and 0.42 are within minDelta of 0.5: no improvement, so epoch 3 is the second without one.
    expect(stopper.stoppedEpoch).toBe(3);
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.best).toBe(0.5);
    stopper.onTrainEnd();
    expect(flat(kernel)).toEqual(kernels[1]);

    expect(gt.callbacks.earlyStopping({ monitor: "val_accuracy" }).mode).toBe("max");
    const missing = gt.callbacks.earlyStopping();
    missing.onTrainBegin();
    expect(() => missing.onEpochEnd(0, { loss: 1 })).toThrow("earlyStopping: monitor 'val_loss' is not in the logs; available: loss (val_ values need validationData or validationSplit)");
    expect(() => gt.callbacks.earlyStopping({ patience: -1 })).toThrow(/patience must be an integer >= 0/);
  });
});

describe("non-finite loss", () => {
  it("stops training naming the epoch and batch, before the bad batch's update, weights finite", async () => {
    const { x } = regression();
    const targets = flat(gt.randomNormal([20, 1], { seed: 2 }));
    targets[13] = NaN; // sample 13 is in batch 3 (0-based) of every unshuffled epoch of batches of 4
    const y = gt.tensor(targets, [20, 1]);
    const model = linear();
    let afterBatch2: number[][] = [];
    const error = await model.fit(x, y, {
      epochs: 3, batchSize: 4, shuffle: false, verbose: 0,
      callbacks: [{ onBatchEnd: (b) => { if (b === 2) afterBatch2 = model.weights.map(flat); } }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(gt.NonFiniteLossError);
    const e = error as gt.NonFiniteLossError;
    expect(e.message).toMatch(/^fit: the loss became NaN at epoch 1\/3, batch 4\/5; training stopped before applying that batch/);
    expect([e.epoch, e.batch, e.loss]).toEqual([0, 3, NaN]);
    expect(allFinite(model)).toBe(true);
    expect(model.weights.map(flat)).toEqual(afterBatch2);
    expect(model.fitting).toBe(false);
  });

  it("catches a loss that diverges to infinity later in training", async () => {
    const { x, y } = regression(64);
    const model = linear(50); // far too large a learning rate
    const error = (await model.fit(x, y, { epochs: 50, batchSize: 8, seed: 1, verbose: 0 }).catch((e: unknown) => e)) as gt.NonFiniteLossError;
    expect(error).toBeInstanceOf(gt.NonFiniteLossError);
    expect(error.message).toContain(`at epoch ${error.epoch! + 1}/50, batch ${error.batch! + 1}/8`);
    expect(error.epoch! + error.batch!).toBeGreaterThan(0);
    expect(allFinite(model)).toBe(true);
  });

  it("also stops on a non-finite gradient of a finite loss, naming the variables", async () => {
    // d/dp sqrt((p - y)^2) at p = y is 0 · ∞ = NaN, while the loss is 0.
    const model = gt.sequential([gt.layers.dense({ units: 1, inputShape: [3], kernelInitializer: "zeros" })]);
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: (t, p) => gt.sqrt(gt.square(gt.sub(p, t))).mean() });
    const error = (await model.fit(gt.ones([4, 3]), gt.zeros([4, 1]), { verbose: 0 }).catch((e: unknown) => e)) as gt.NonFiniteLossError;
    expect(error.message).toMatch(/^fit: the gradients of dense(_\d+)?\/kernel, dense(_\d+)?\/bias became non-finite \(loss 0\) at epoch 1\/1, batch 1\/1;/);
    expect(error.variables).toHaveLength(2);
    expect(flat(model.weights[0])).toEqual([0, 0, 0]);
  });

  it("trainStep throws without applying when called directly", () => {
    const model = linear();
    const before = model.weights.map(flat);
    const opt = new gt.optim.SGD({ learningRate: 0.1 });
    expect(() => gt.trainStep(model, opt, gt.losses.meanSquaredError, gt.ones([2, 3]), gt.tensor([[NaN], [1]]))).toThrow("trainStep: the loss is NaN; the gradients were not applied");
    expect(model.weights.map(flat)).toEqual(before);
    expect(opt.iterations).toBe(0);
    const { loss } = gt.trainStep(model, opt, gt.losses.meanSquaredError, gt.ones([2, 3]), gt.ones([2, 1]));
    expect(loss.rank).toBe(0);
    expect(opt.iterations).toBe(1);
  });
});

describe("progress display", () => {
  const params = { epochs: 2, steps: 4, batchSize: 8, samples: 32, verbose: 1 as const };

  it("draws Keras' bar with \\r on a terminal, ETA while running and timing at the end", () => {
    let out = "";
    let t = 0;
    const logger = new ProgressLogger({ isTTY: true, write: (s) => void (out += s) }, () => t);
    logger.setParams(params);
    logger.onEpochBegin(0);
    t = 1000;
    logger.onBatchEnd(0, { loss: 0.5, accuracy: 0.25 });
    t = 2000;
    logger.onBatchEnd(1, { loss: 0.4321, accuracy: 0.8812 });
    t = 4000;
    logger.onBatchEnd(3, { loss: 0.0001234, accuracy: 1 });
    logger.onEpochEnd(0, { loss: 0.0001234, accuracy: 1, val_loss: 2 });
    const frames = out.split("\r");
    expect(frames[0]).toBe("Epoch 1/2\n");
    expect(frames[1]).toBe("1/4 [======>.......................] - ETA: 3s - loss: 0.5000 - accuracy: 0.2500");
    expect(frames[2]).toBe("2/4 [==============>...............] - ETA: 2s - loss: 0.4321 - accuracy: 0.8812");
    expect(frames[3]).toBe("4/4 [==============================] - ETA: 0s - loss: 1.2340e-4 - accuracy: 1.0000");
    expect(frames[4]).toBe("4/4 [==============================] - 4s 1s/step - loss: 1.2340e-4 - accuracy: 1.0000 - val_loss: 2.0000\n");
  });

  it("writes one line per epoch without a terminal", async () => {
    const { x, y } = regression(16);
    const model = linear();
    const lines: string[] = [];
    await model.fit(x, y, { epochs: 3, batchSize: 8, progressSink: { isTTY: false, write: (s) => void lines.push(s) } });
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^Epoch ${i + 1}/3 - 2 steps - \\d+s \\d+(us|ms)/step - loss: \\d+\\.\\d{4}\\n$`)));
    const tty: string[] = [];
    await model.fit(x, y, { epochs: 1, batchSize: 8, progressSink: { isTTY: true, write: (s) => void tty.push(s) } });
    expect(tty[0]).toBe("Epoch 1/1\n");
    expect(tty.join("")).toMatch(/\r2\/2 \[=+\] - \d+s .*loss: \d\.\d{4}\s*\n$/);
    const silent: string[] = [];
    await model.fit(x, y, { epochs: 1, verbose: 0, progressSink: { isTTY: false, write: (s) => void silent.push(s) } });
    expect(silent).toEqual([]);
  });
});
