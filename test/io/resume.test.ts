// Resuming from a checkpoint gives bit-identical weights, optimizer state and history to a run
// that was never interrupted: 4 epochs straight against 2, a checkpoint, a fresh model and
// optimizer loaded from it, and 2 more.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { dataset as taskOf, logitsLoss, makeModel, quiet } from "../helpers/tiny-classifier.js";

const dataset = () => taskOf(60);

const root = mkdtempSync(join(tmpdir(), "gradtape-resume-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));

const optimizers: [string, () => gt.optim.Optimizer][] = [
  ["SGD with Nesterov momentum", () => new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
  ["Adam with a decaying learning rate", () => new gt.optim.Adam({ learningRate: gt.optim.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 5, decayRate: 0.8 }) })],
  ["RMSprop, centered, with momentum", () => new gt.optim.RMSprop({ learningRate: 0.005, centered: true, momentum: 0.5 })],
  ["Adagrad", () => new gt.optim.Adagrad({ learningRate: 0.05 })],
  ["Adadelta", () => new gt.optim.Adadelta({ learningRate: 1 })],
  ["Adamax with a decaying learning rate", () => new gt.optim.Adamax({ learningRate: gt.optim.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 5, decayRate: 0.8 }) })],
  ["SGD with Keras' momentum and a schedule", () => new gt.optim.SGD({ learningRate: gt.optim.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 0.8 }), momentum: 0.9, convention: "keras" })],
  ["RMSprop with Keras' rule and momentum", () => new gt.optim.RMSprop({ learningRate: 0.005, momentum: 0.5, convention: "keras" })],
  ["AdamW with AMSGrad", () => new gt.optim.AdamW({ learningRate: 0.01, weightDecay: 0.1, amsgrad: true })],
];

function expectSameRun(a: { model: gt.Model; optimizer: gt.optim.Optimizer }, b: { model: gt.Model; optimizer: gt.optim.Optimizer }) {
  expect(a.model.weights.map(bits)).toEqual(b.model.weights.map(bits));
  expect(b.optimizer.iterations).toBe(a.optimizer.iterations);
  // The two models' layers have different default names, so compare the state variable by variable, in order.
  const slots = (o: gt.optim.Optimizer) => Object.values(o.getState().variables);
  expect(slots(b.optimizer)).toEqual(slots(a.optimizer));
}

describe("resume from a checkpoint", () => {
  const { x, y } = dataset();
  const fitOptions = { batchSize: 8, seed: 11, validationSplit: 0.2, ...quiet };

  for (const [name, makeOptimizer] of optimizers) {
    it(`${name}: 4 epochs straight equal 2 + checkpoint + fresh model and optimizer + 2, bit for bit`, async () => {
      const straight = makeModel();
      const straightOpt = makeOptimizer();
      straight.compile({ optimizer: straightOpt, loss: logitsLoss, metrics: ["accuracy"] });
      const full = await straight.fit(x, y, { epochs: 4, ...fitOptions });

      const first = makeModel();
      first.compile({ optimizer: makeOptimizer(), loss: logitsLoss, metrics: ["accuracy"] });
      const part1 = await first.fit(x, y, { epochs: 2, ...fitOptions });
      const dir = join(root, name.replace(/\W+/g, "-"));
      gt.saveCheckpoint(dir, { model: first, epoch: 2, seed: 11, history: part1 });

      const ckpt = gt.loadCheckpoint(dir);
      expect(ckpt.epoch).toBe(2);
      expect(ckpt.seed).toBe(11);
      expect(ckpt.model).not.toBe(first);
      ckpt.model.compile({ optimizer: ckpt.optimizer, loss: logitsLoss, metrics: ["accuracy"] });
      const part2 = await ckpt.model.fit(x, y, { epochs: 4, initialEpoch: ckpt.epoch, ...fitOptions, seed: ckpt.seed });

      expectSameRun({ model: straight, optimizer: straightOpt }, { model: ckpt.model, optimizer: ckpt.optimizer });
      expect([...ckpt.history.epoch, ...part2.epoch]).toEqual(full.epoch);
      for (const key of ["loss", "accuracy", "val_loss", "val_accuracy"]) {
        expect([...ckpt.history.history[key], ...part2.history[key]]).toEqual(full.history[key]);
      }
    });
  }

  it("through the modelCheckpoint callback: a run stopped after epoch 2 and resumed equals the straight run, history included", async () => {
    const straight = makeModel();
    const straightOpt = new gt.optim.Adam({ learningRate: 0.01 });
    straight.compile({ optimizer: straightOpt, loss: logitsLoss, metrics: ["accuracy"] });
    const straightDir = join(root, "callback-straight");
    await straight.fit(x, y, { epochs: 4, ...fitOptions, callbacks: [gt.callbacks.modelCheckpoint(straightDir)] });

    const dir = join(root, "callback-interrupted");
    const interrupted = makeModel();
    interrupted.compile({ optimizer: new gt.optim.Adam({ learningRate: 0.01 }), loss: logitsLoss, metrics: ["accuracy"] });
    const crash = { onEpochEnd: (epoch: number) => void (epoch === 1 && (interrupted.stopTraining = true)) };
    await interrupted.fit(x, y, { epochs: 4, ...fitOptions, callbacks: [gt.callbacks.modelCheckpoint(dir), crash] });
    expect(gt.loadCheckpoint(dir).epoch).toBe(2);

    const { model, optimizer, epoch, seed } = gt.loadCheckpoint(dir);
    model.compile({ optimizer, loss: logitsLoss, metrics: ["accuracy"] });
    await model.fit(x, y, { epochs: 4, initialEpoch: epoch, ...fitOptions, seed, callbacks: [gt.callbacks.modelCheckpoint(dir)] });

    expectSameRun({ model: straight, optimizer: straightOpt }, { model, optimizer });
    const a = gt.loadCheckpoint(straightDir);
    const b = gt.loadCheckpoint(dir);
    expect(b.epoch).toBe(4);
    expect(b.history.epoch).toEqual([0, 1, 2, 3]);
    expect(b.history.history).toEqual(a.history.history);
    expect(b.model.weights.map(bits)).toEqual(a.model.weights.map(bits));
  });

  it("saveBestOnly saves only the epochs that improve the monitored value", async () => {
    const model = makeModel();
    model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.05 }), loss: logitsLoss });
    const cb = gt.callbacks.modelCheckpoint(join(root, "best"), { saveBestOnly: true, monitor: "val_loss" });
    const history = await model.fit(x, y, { epochs: 5, ...fitOptions, callbacks: [cb] });
    const losses = history.history.val_loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(cb.lastSavedEpoch).toBe(best);
    expect(gt.loadCheckpoint(join(root, "best")).epoch).toBe(best + 1);
    await expect(model.fit(x, y, { epochs: 1, ...quiet, callbacks: [gt.callbacks.modelCheckpoint(join(root, "b2"), { saveBestOnly: true })] })).rejects.toThrow(
      "modelCheckpoint: monitor 'val_loss' is not in the logs; available: loss (val_ values need validationData or validationSplit)",
    );
  });
});
