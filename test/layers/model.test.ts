import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const flat = (t: gt.Tensor) => Array.from(t.data());

function mnistMlp(name = "mnist_mlp") {
  return gt.sequential([
    gt.layers.dense({ units: 128, activation: "relu", inputShape: [784], name: "dense", seed: 1 }),
    gt.layers.dense({ units: 10, activation: "softmax", name: "dense_1", seed: 2 }),
  ], { name });
}

describe("sequential", () => {
  it("prints a Keras-style summary of a 784-128-10 model, line by line, and returns it", () => {
    const printed: string[] = [];
    const text = mnistMlp().summary((line) => printed.push(line));
    expect(printed).toEqual([
      'Model: "mnist_mlp"',
      "_________________________________________________________________",
      " Layer (type)                Output Shape              Param #",
      "=================================================================",
      " dense (Dense)               (None, 128)               100480",
      " dense_1 (Dense)             (None, 10)                1290",
      "=================================================================",
      "Total params: 101770 (397.54 KB)",
      "Trainable params: 101770 (397.54 KB)",
      "Non-trainable params: 0 (0.00 Byte)",
      "_________________________________________________________________",
    ]);
    expect(text).toBe(printed.join("\n"));
  });

  it("widens a summary's columns to long layer names and classes, so that every line stays aligned", () => {
    class AVeryLongCustomLayerClassName extends gt.layers.Layer {
      constructor(options: gt.layers.LayerOptions) {
        super(options, "custom");
      }
      override call(x: gt.Tensor): gt.Tensor {
        return x;
      }
    }
    const long = "an_unusually_long_layer_name_for_a_summary";
    const seq = gt.sequential([
      gt.layers.dense({ units: 4, inputShape: [3], name: long, seed: 1 }),
      new AVeryLongCustomLayerClassName({ name: "custom" }),
      gt.layers.dense({ units: 2, name: "out", seed: 2 }),
    ], { name: "wide" });
    const x = gt.input({ shape: [3], name: "x" });
    const h = gt.layers.dense({ units: 4, name: long, seed: 3 }).apply(x) as gt.SymbolicTensor;
    const y = new AVeryLongCustomLayerClassName({ name: "custom" }).apply(h) as gt.SymbolicTensor;
    const graph = gt.model({ inputs: x, outputs: gt.layers.add({ name: "sum" }).apply([y, h]) as gt.SymbolicTensor, name: "wide_graph" });
    for (const [model, columns, layers] of [[seq, ["Output Shape", "Param #"], 3], [graph, ["Output Shape", "Param #", "Connected to"], 4]] as const) {
      const lines = model.summary(() => {}).split("\n");
      const header = lines[2];
      const rows = lines.slice(4, 4 + layers);
      expect(rows.some((r) => r.includes(`${long} (Dense)`)) && rows.some((r) => r.includes("custom (AVeryLongCustomLayerClassName)"))).toBe(true);
      // Each column starts where its heading does, after at least one space, on every row.
      const starts = columns.map((c) => header.indexOf(c));
      for (const r of rows) {
        for (const start of starts) {
          expect(r[start - 1], `${JSON.stringify(r)} at ${start}`).toBe(" ");
          expect(r[start], `${JSON.stringify(r)} at ${start}`).not.toBe(" ");
        }
      }
      // The rules span the widest line of the table.
      const width = Math.max(...[header, ...rows].map((l) => l.length));
      expect(lines[1]).toBe("_".repeat(lines[1].length));
      expect(lines[1].length).toBeGreaterThanOrEqual(width);
      expect(lines[3]).toBe("=".repeat(lines[1].length));
    }
    // Short names keep Keras' widths: 29, 26 and 10 for a sequential model.
    expect(mnistMlp().summary(() => {}).split("\n")[2].indexOf("Output Shape")).toBe(29);
  });

  it("summarizes flatten, dropout and a frozen layer (non-trainable params)", () => {
    const frozen = gt.layers.dense({ units: 32, name: "frozen", trainable: false });
    const model = gt.sequential([
      gt.layers.flatten({ inputShape: [28, 28], name: "flat" }),
      frozen,
      gt.layers.dropout({ rate: 0.5, name: "drop" }),
      gt.layers.dense({ units: 10, name: "out" }),
    ], { name: "m" });
    const lines = model.summary(() => {}).split("\n");
    expect(lines.slice(4, 8)).toEqual([
      " flat (Flatten)              (None, 784)               0",
      " frozen (Dense)              (None, 32)                25120",
      " drop (Dropout)              (None, 32)                0",
      " out (Dense)                 (None, 10)                330",
    ]);
    expect(lines.slice(9, 12)).toEqual([
      "Total params: 25450 (99.41 KB)",
      "Trainable params: 330 (1.29 KB)",
      "Non-trainable params: 25120 (98.13 KB)",
    ]);
    expect(model.trainableVariables.map((v) => v.name)).toEqual(["out/kernel", "out/bias"]);
  });

  it("builds lazily when no inputShape is given, and says so before", () => {
    const model = gt.sequential([gt.layers.dense({ units: 3 }), gt.layers.dense({ units: 2 })]);
    expect(model.built).toBe(false);
    expect(model.trainableVariables).toEqual([]);
    expect(() => model.summary(() => {})).toThrow(/summary needs the model built/);
    expect(() => model.setWeights([])).toThrow(/is not built yet/);
    const y = model.call(gt.ones([4, 5]));
    expect(y.shape).toEqual([4, 2]);
    expect(model.trainableVariables.map((v) => v.shape)).toEqual([[5, 3], [3], [3, 2], [2]]);
    expect(model.countParams()).toBe(18 + 8);
  });

  it("round-trips weights through getWeights / setWeights, layer by layer (kernel, then bias)", () => {
    const a = mnistMlp("a");
    const b = mnistMlp("b");
    for (const v of b.weights) v.assign(gt.zerosLike(v));
    const weights = a.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[784, 128], [128], [128, 10], [10]]);
    b.setWeights(weights);
    b.weights.forEach((v, i) => expect(flat(v)).toEqual(flat(a.weights[i])));
    const x = gt.randomUniform([3, 784], { seed: 5 });
    expect(flat(b.predict(x))).toEqual(flat(a.predict(x)));
    // getWeights returns copies: later updates to a do not change them
    a.weights[0].assign(gt.zerosLike(a.weights[0]));
    expect(flat(weights[0])).toEqual(flat(b.weights[0]));
  });

  it("rejects a wrong count or shape naming the layer and both shapes, and assigns nothing", () => {
    const model = mnistMlp();
    const before = model.getWeights();
    const w = model.getWeights();
    expect(() => model.setWeights(w.slice(0, 3))).toThrow("setWeights: the model has 4 weights but 3 tensors were given; the first weight without a value is dense_1/bias of layer 'dense_1'");
    expect(() => model.setWeights([...w, w[3]])).toThrow(/the model has 4 weights but 5 tensors were given/);
    const bad = [gt.zeros([784, 128]), gt.zeros([128]), gt.zeros([64, 10]), w[3]];
    expect(() => model.setWeights(bad)).toThrow("setWeights: layer 'dense_1': weight dense_1/kernel has shape [128, 10] but value 2 has shape [64, 10]");
    expect(() => model.setWeights([w[0], w[1], w[2], gt.zeros([10], "float64")])).toThrow(/weight dense_1\/bias is float32 but value 3 is float64/);
    model.weights.forEach((v, i) => expect(flat(v)).toEqual(flat(before[i])));
  });

  it("predicts in batches exactly as one call does, and its result is a constant", () => {
    const model = gt.sequential([
      gt.layers.dense({ units: 6, activation: "tanh", inputShape: [4], seed: 3 }),
      gt.layers.dropout({ rate: 0.5, seed: 1 }),
      gt.layers.dense({ units: 3, activation: "softmax", seed: 4 }),
    ]);
    const x = gt.randomNormal([10, 4], { seed: 8 });
    const whole = model.call(x);
    const batched = model.predict(x, { batchSize: 3 });
    expect(batched.shape).toEqual([10, 3]);
    expect(flat(batched)).toEqual(flat(whole));
    const tape = new gt.GradientTape();
    const s = tape.record(() => model.predict(x).sum());
    expect(() => tape.gradient(s, model.trainableVariables)).toThrow(/computed inside record from nothing this tape watches/);
    expect(() => model.predict(x, { batchSize: 0 })).toThrow("predict: batchSize must be a positive integer, got 0");
  });

  it("saves its architecture as JSON from which an equal model is rebuilt", () => {
    const model = gt.sequential([
      gt.layers.dense({ units: 5, activation: "relu", inputShape: [3], name: "h" }),
      gt.layers.leakyRelu({ alpha: 0.1, name: "lr" }),
      gt.layers.dropout({ rate: 0.2, seed: 9, name: "d" }),
      gt.layers.dense({ units: 2, name: "o", kernelInitializer: "heNormal" }),
    ], { name: "saved" });
    const config = JSON.parse(JSON.stringify(model.getConfig()));
    expect(config.className).toBe("Sequential");
    expect(config.config.buildInputShape).toEqual([null, 3]);
    expect(config.config.layers.map((l: gt.layers.LayerConfig) => l.className)).toEqual(["Dense", "LeakyReLU", "Dropout", "Dense"]);
    const copy = gt.layers.modelFromConfig(config);
    expect(copy.built).toBe(true);
    expect(copy.layers.map((l) => l.name)).toEqual(["h", "lr", "d", "o"]);
    copy.setWeights(model.getWeights());
    const x = gt.randomNormal([4, 3], { seed: 2 });
    expect(flat(copy.predict(x))).toEqual(flat(model.predict(x)));
    expect(copy.summary(() => {}).split("\n").slice(1)).toEqual(model.summary(() => {}).split("\n").slice(1));
    expect(() => gt.layers.layerFromConfig({ className: "Conv3D", config: { name: "c" } })).toThrow(/unknown layer class 'Conv3D'; known: Dense, Dropout, Flatten/);
  });

  it("refuses duplicate layer names and non-layers", () => {
    expect(() => gt.sequential([gt.layers.dense({ units: 1, name: "x" }), gt.layers.relu({ name: "x" })])).toThrow(/unique names; 'x' is already in the model/);
    expect(() => gt.sequential([{} as never])).toThrow(/expected a layer at position 0/);
    const a = gt.layers.dense({ units: 1 });
    const b = gt.layers.dense({ units: 1 });
    expect(a.name).toMatch(/^dense(_\d+)?$/);
    expect(b.name).not.toBe(a.name);
  });

  it("adds layers after construction and builds them when the model is built", () => {
    const model = gt.sequential([gt.layers.dense({ units: 4, inputShape: [2] })]);
    model.add(gt.layers.dense({ units: 1 }));
    expect(model.built).toBe(true);
    expect(model.outputShapes()).toEqual([[null, 4], [null, 1]]);
  });
});
