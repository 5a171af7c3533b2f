// Functional models printed, saved, loaded and resumed: the summary's "Connected to" column, the
// config's inbound nodes, save/load bit for bit, and a checkpoint resume equal to an
// uninterrupted run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const root = mkdtempSync(join(tmpdir(), "gradtape-functional-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));
const quiet = { verbose: 0 } as const;
const logits = (y: gt.TensorLike, p: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(y, p, { fromLogits: true });

/** A residual block with a shared layer, dropout and two inputs: everything the format must keep. */
function graph() {
  const a = gt.input({ shape: [4], name: "a" });
  const b = gt.input({ shape: [4], name: "b" });
  const shared = gt.layers.dense({ units: 6, activation: "relu", name: "shared", seed: 1 });
  const sa = shared.apply(a);
  const sb = shared.apply(b);
  const joined = gt.layers.concatenate({ name: "join" }).apply([sa, sb]);
  const h = gt.layers.dense({ units: 12, activation: "relu", name: "h", seed: 2 }).apply(joined);
  const r = gt.layers.add({ name: "res" }).apply([gt.layers.dense({ units: 12, name: "h2", seed: 3 }).apply(h), h]);
  const out = gt.layers.dense({ units: 3, name: "out", seed: 4 }).apply(gt.layers.dropout({ rate: 0.2, seed: 9, name: "drop" }).apply(r));
  return gt.model({ inputs: [a, b], outputs: out, name: "siamese" });
}

function data(n: number) {
  const xa = gt.randomNormal([n, 4], { seed: 21 });
  const xb = gt.randomNormal([n, 4], { seed: 22 });
  const ra = xa.toArray() as number[][];
  const rb = xb.toArray() as number[][];
  const y = gt.tensor(ra.map((r, i) => (r[0] - rb[i][0] > 0.3 ? 2 : r[1] + rb[i][1] > 0 ? 1 : 0)), [n], "int32");
  return { x: [xa, xb], y };
}

describe("functional models: summary, save, load, checkpoints", () => {
  it("prints Keras' summary with the Connected to column, one line per application of a shared layer", () => {
    const printed: string[] = [];
    const text = graph().summary((line) => printed.push(line));
    expect(printed).toEqual([
      'Model: "siamese"',
      "__________________________________________________________________________________________________",
      " Layer (type)                   Output Shape         Param #     Connected to",
      "==================================================================================================",
      " a (InputLayer)                 [(None, 4)]          0           []",
      " b (InputLayer)                 [(None, 4)]          0           []",
      " shared (Dense)                 (None, 6)            30          ['a[0][0]']",
      "                                                                 ['b[0][0]']",
      " join (Concatenate)             (None, 12)           0           ['shared[0][0]', 'shared[1][0]']",
      " h (Dense)                      (None, 12)           156         ['join[0][0]']",
      " h2 (Dense)                     (None, 12)           156         ['h[0][0]']",
      " res (Add)                      (None, 12)           0           ['h2[0][0]', 'h[0][0]']",
      " drop (Dropout)                 (None, 12)           0           ['res[0][0]']",
      " out (Dense)                    (None, 3)            39          ['drop[0][0]']",
      "==================================================================================================",
      "Total params: 381 (1.49 KB)",
      "Trainable params: 381 (1.49 KB)",
      "Non-trainable params: 0 (0.00 Byte)",
      "__________________________________________________________________________________________________",
    ]);
    expect(text).toBe(printed.join("\n"));
  });

  it("has a Keras-like config with inbound nodes, from which the same graph is rebuilt", () => {
    const m = graph();
    const config = JSON.parse(JSON.stringify(m.getConfig()));
    expect(config.className).toBe("Functional");
    expect(config.config.inputLayers).toEqual([["a", 0, 0], ["b", 0, 0]]);
    expect(config.config.outputLayers).toEqual(["out", 0, 0]);
    const byName = Object.fromEntries(config.config.layers.map((l: gt.layers.FunctionalLayerConfig) => [l.config.name, l]));
    expect(byName.a).toEqual({ className: "InputLayer", config: { name: "a", shape: [4], dtype: "float32" }, inboundNodes: [] });
    expect(byName.shared.inboundNodes).toEqual([[["a", 0, 0]], [["b", 0, 0]]]);
    expect(byName.join.inboundNodes).toEqual([[["shared", 0, 0], ["shared", 1, 0]]]);
    expect(byName.res.inboundNodes).toEqual([[["h2", 0, 0], ["h", 0, 0]]]);
    const copy = gt.layers.modelFromConfig(config);
    copy.setWeights(m.getWeights());
    const { x } = data(7);
    expect(bits(copy.predict(x))).toEqual(bits(m.predict(x)));
    expect(copy.summary(() => {})).toBe(m.summary(() => {}));
    expect(() => gt.layers.modelFromConfig({ ...config, config: { ...config.config, outputLayers: ["nowhere", 0, 0] } })).toThrow("modelFromConfig: outputLayers refers to layer 'nowhere', which the config does not have");
  });

  it("saves and loads bit for bit, through a folder and through memory", () => {
    const m = graph();
    const { x } = data(9);
    const dir = join(root, "saved");
    m.save(dir);
    const loaded = gt.loadModel(dir);
    expect(loaded).toBeInstanceOf(gt.Functional);
    expect(loaded.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    expect(loaded.weights.map(bits)).toEqual(m.weights.map(bits));
    expect(bits(loaded.predict(x))).toEqual(bits(m.predict(x)));
    const { model: again } = gt.fromMemory(gt.toMemory(m));
    expect(bits(again.predict(x))).toEqual(bits(m.predict(x)));
  });

  it("resumes from a checkpoint exactly as if never stopped (weights, optimizer slots, dropout masks, history)", async () => {
    const { x, y } = data(48);
    const options = { batchSize: 8, seed: 5, validationSplit: 0.25, ...quiet };
    const makeOpt = () => new gt.optim.Adam({ learningRate: 0.01 });

    const straight = graph();
    straight.compile({ optimizer: makeOpt(), loss: logits, metrics: ["accuracy"] });
    const full = await straight.fit(x, y, { epochs: 4, ...options });

    const first = graph();
    first.compile({ optimizer: makeOpt(), loss: logits, metrics: ["accuracy"] });
    const part1 = await first.fit(x, y, { epochs: 2, ...options });
    const dir = join(root, "ckpt");
    gt.saveCheckpoint(dir, { model: first, epoch: 2, seed: 5, history: part1 });

    const ckpt = gt.loadCheckpoint(dir);
    ckpt.model.compile({ optimizer: ckpt.optimizer, loss: logits, metrics: ["accuracy"] });
    const part2 = await ckpt.model.fit(x, y, { epochs: 4, initialEpoch: ckpt.epoch, ...options, seed: ckpt.seed });
    expect(ckpt.model.weights.map(bits)).toEqual(straight.weights.map(bits));
    expect([...ckpt.history.history.loss, ...part2.history.loss]).toEqual(full.history.loss);
    expect([...ckpt.history.history.val_accuracy, ...part2.history.val_accuracy]).toEqual(full.history.val_accuracy);
    expect(full.history.loss[3]).toBeLessThan(full.history.loss[0]);
  });

  it("the modelCheckpoint callback saves functional models", async () => {
    const { x, y } = data(16);
    const m = graph();
    m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: logits });
    const dir = join(root, "callback");
    await m.fit(x, y, { epochs: 2, batchSize: 8, seed: 1, callbacks: [gt.callbacks.modelCheckpoint(dir)], ...quiet });
    const ckpt = gt.loadCheckpoint(dir);
    expect(ckpt.epoch).toBe(2);
    expect(ckpt.model.weights.map(bits)).toEqual(m.weights.map(bits));
  });
});
