import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const flat = (t: gt.Tensor) => Array.from(t.data());
const quiet = { verbose: 0 } as const;

/** 6 → 8 relu → 3 as a functional model and as a sequential one, same names and seeds. */
function twins() {
  const make = () => [
    gt.layers.dense({ units: 8, activation: "relu", name: "hidden", seed: 1 }),
    gt.layers.dropout({ rate: 0.25, seed: 4, name: "drop" }),
    gt.layers.dense({ units: 3, name: "out", seed: 2 }),
  ];
  const seqLayers = make();
  const seq = gt.sequential(seqLayers, { name: "seq" });
  seq.build([null, 6]);
  const [h, d, o] = make();
  const inp = gt.input({ shape: [6], name: "x" });
  const fun = gt.model({ inputs: inp, outputs: o.apply(d.apply(h.apply(inp))), name: "fun" });
  return { seq, fun };
}

describe("gt.input and layer.apply on symbolic tensors", () => {
  it("gives symbolic tensors with a null batch dimension and inferred shapes", () => {
    const x = gt.input({ shape: [28, 28, 1], name: "image" });
    expect(x).toBeInstanceOf(gt.SymbolicTensor);
    expect(x.shape).toEqual([null, 28, 28, 1]);
    expect(x.dtype).toBe("float32");
    const c = gt.layers.conv2d({ filters: 4, kernelSize: 3, name: "c" }).apply(x);
    expect(c.shape).toEqual([null, 26, 26, 4]);
    const f = gt.layers.flatten().apply(gt.layers.maxPooling2d().apply(c));
    expect(f.shape).toEqual([null, 13 * 13 * 4]);
    expect(String(c)).toBe("SymbolicTensor(shape=(None, 26, 26, 4), dtype=float32, from 'c')");
    expect(gt.input({ shape: [3], dtype: "int32" }).dtype).toBe("int32");
  });

  it("applies to real tensors as before (apply = call)", () => {
    const d = gt.layers.dense({ units: 2, kernelInitializer: "ones" });
    expect(flat(d.apply(gt.tensor([[1, 2, 3]])))).toEqual([6, 6]);
    expect(flat(gt.layers.add().apply([gt.tensor([[1, 2]]), gt.tensor([[10, 20]])]))).toEqual([11, 22]);
  });

  it("fails at the line that wires a shape the layer cannot take, naming the layer and the shapes", () => {
    const a = gt.input({ shape: [784], name: "a" });
    const b = gt.input({ shape: [20], name: "b" });
    const shared = gt.layers.dense({ units: 4, name: "shared" });
    shared.apply(a);
    expect(() => shared.apply(b)).toThrow(/^shared: cannot be applied to the output of 'b' \(shape \(None, 20\)\) \(it was built for inputs of shape \(None, 784\)\): /);
    expect(() => gt.layers.maxPooling2d({ name: "pool" }).apply(a)).toThrow(/^pool: cannot be applied to the output of 'a' \(shape \(None, 784\)\): .*expected inputs of shape \[batch, height, width, channels\]/);
    expect(() => gt.layers.add({ name: "sum" }).apply([a, b])).toThrow("sum: cannot be applied to the output of 'a' (shape (None, 784)) and the output of 'b' (shape (None, 20)): inputs of shapes (None, 784), (None, 20) cannot be merged: dimension 1 is 784 in one and 20 in another (sizes must be equal or 1)");
    expect(() => gt.layers.dense({ units: 2, name: "d2" }).apply([a, b])).toThrow("d2: cannot be applied to the output of 'a' (shape (None, 784)) and the output of 'b' (shape (None, 20)): takes one input tensor, got a list of 2; only merge layers (add, concatenate, …) take a list");
    expect(() => gt.layers.dense({ units: 2, name: "d3" }).apply([a, gt.ones([1, 784])] as never)).toThrow(/^d3: element 1 of the list is a float32 tensor of shape \[1, 784\], but the others are symbolic tensors/);
    expect(() => gt.input({ shape: [0] })).toThrow("input: shape must be the shape of one sample, an array of positive integers without the batch dimension (e.g. [784]), got [0]");
  });
});

describe("gt.model", () => {
  it("computes exactly what the equivalent sequential model computes, and trains identically, bit for bit", async () => {
    const { seq, fun } = twins();
    expect(fun.layers.map((l) => l.name)).toEqual(["x", "hidden", "drop", "out"]);
    expect(fun.getWeights().map((w) => w.shape)).toEqual(seq.getWeights().map((w) => w.shape));
    fun.setWeights(seq.getWeights());
    const x = gt.randomNormal([40, 6], { seed: 3 });
    const y = gt.tensor(Array.from({ length: 40 }, (_, i) => i % 3), [40], "int32");
    expect(flat(fun.predict(x))).toEqual(flat(seq.predict(x)));
    expect(flat(fun.call(x, { training: true }))).toEqual(flat(seq.call(x, { training: true })));
    const loss = (t: gt.TensorLike, p: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true });
    for (const m of [seq, fun]) m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }), loss, metrics: ["accuracy"] });
    const hs = await seq.fit(x, y, { epochs: 3, batchSize: 8, seed: 5, ...quiet });
    const hf = await fun.fit(x, y, { epochs: 3, batchSize: 8, seed: 5, ...quiet });
    expect(hf.history).toEqual(hs.history);
    const ws = seq.getWeights();
    fun.getWeights().forEach((w, i) => expect(flat(w)).toEqual(flat(ws[i])));
    expect(fun.evaluate(x, y)).toEqual(seq.evaluate(x, y));

    // The custom loop, unchanged.
    const opt = new gt.optim.SGD({ learningRate: 0.05 });
    const tape = new gt.GradientTape();
    const l = tape.record(() => loss(y, fun.call(x)));
    const grads = tape.gradient(l, fun.trainableVariables);
    opt.applyGradients(gt.zip(grads, fun.trainableVariables));
    expect(fun.trainableVariables.map((v) => v.name)).toEqual(["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"]);
  });

  it("takes two inputs and gives two outputs as lists", async () => {
    const a = gt.input({ shape: [3], name: "a" });
    const b = gt.input({ shape: [2], name: "b" });
    const joined = gt.layers.concatenate({ name: "join" }).apply([a, b]);
    expect(joined.shape).toEqual([null, 5]);
    const h = gt.layers.dense({ units: 4, activation: "tanh", name: "h", seed: 1 }).apply(joined);
    const reg = gt.layers.dense({ units: 1, name: "reg", seed: 2 }).apply(h);
    const cls = gt.layers.dense({ units: 2, name: "cls", seed: 3 }).apply(h);
    const m = gt.model({ inputs: [a, b], outputs: [reg, cls], name: "two" });
    const xa = gt.randomNormal([10, 3], { seed: 1 });
    const xb = gt.randomNormal([10, 2], { seed: 2 });
    const [pr, pc] = m.predict([xa, xb], { batchSize: 4 });
    expect(pr.shape).toEqual([10, 1]);
    expect(pc.shape).toEqual([10, 2]);
    // The graph is the composition of its layers.
    const hv = gt.tanh(gt.matmul(gt.concat([xa, xb], 1), m.layers[3].weights[0]).add(m.layers[3].weights[1]));
    expect(flat(pr)).toEqual(flat(gt.matmul(hv, m.layers[4].weights[0]).add(m.layers[4].weights[1])));

    const yr = gt.randomNormal([10, 1], { seed: 3 });
    const yc = gt.tensor([0, 1, 0, 1, 1, 0, 0, 1, 1, 1], [10], "int32");
    const ce = (t: gt.TensorLike, p: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true });
    m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: { reg: "mse", cls: ce }, metrics: { reg: ["mae"], cls: ["accuracy"] } });
    const before = m.evaluate([xa, xb], [yr, yc]);
    expect(Object.keys(before)).toEqual(["loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy"]);
    expect(before.loss).toBeCloseTo(before.reg_loss + before.cls_loss, 6);
    expect(before.reg_loss).toBeCloseTo(gt.losses.meanSquaredError(yr, pr).item(), 6);
    const history = await m.fit([xa, xb], [yr, yc], { epochs: 20, batchSize: 10, validationData: [[xa, xb], [yr, yc]], ...quiet });
    expect(history.history.loss[19]).toBeLessThan(history.history.loss[0]);
    expect(Object.keys(history.history)).toEqual(["loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy", "val_loss", "val_reg_loss", "val_cls_loss", "val_reg_mae", "val_cls_accuracy"]);
    expect(history.history.val_loss[19]).toBe(m.evaluate([xa, xb], [yr, yc]).loss);
    // A list of losses in output order gives the same as the record.
    const cce = (t: gt.TensorLike, p: gt.Tensor) => gt.losses.categoricalCrossentropy(t, p, { fromLogits: true });
    m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: ["mse", cce], metrics: ["mse"] });
    const after = m.evaluate([xa, xb], [yr, gt.oneHot(yc, 2)]);
    expect(Object.keys(after)).toEqual(["loss", "reg_loss", "cls_loss", "reg_mse", "cls_mse"]);
    m.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: { reg: "mse", cls: cce }, metrics: ["mse"] });
    expect(m.evaluate([xa, xb], [yr, gt.oneHot(yc, 2)])).toEqual(after);

    expect(() => m.predict(xa)).toThrow("two: the model has 2 inputs (a, b), so it takes a list of 2 tensors, got a float32 tensor of shape [10, 3]");
    expect(() => m.call([xb, xa])).toThrow("two: input 'a' takes batches of shape [?, 3], got a tensor of shape [10, 2]");
    expect(() => m.evaluate([xa, xb], yr)).toThrow("evaluate: the model has 2 outputs (reg, cls), so y must be a list of 2 tensors, got a float32 tensor of shape [10, 1]");
    m.compile({ optimizer: "sgd", loss: ["mse"] });
    expect(() => m.evaluate([xa, xb], [yr, yc])).toThrow("evaluate: compile was given 1 losses but the model has 2 outputs (reg, cls)");
    m.compile({ optimizer: "sgd", loss: { reg: "mse", class: "mse" } });
    expect(() => m.evaluate([xa, xb], [yr, yc])).toThrow("evaluate: compile's loss names the output 'class', but the model's outputs are 'reg', 'cls'");
  });

  it("wires int32 ids through an embedding and normalizes with layerNormalization", () => {
    const ids = gt.input({ shape: [5], dtype: "int32", name: "ids" });
    const vectors = gt.layers.embedding({ inputDim: 20, outputDim: 4, seed: 1, name: "emb" }).apply(ids);
    expect(vectors.shape).toEqual([null, 5, 4]);
    const normed = gt.layers.layerNormalization({ name: "ln" }).apply(vectors);
    const pooled = gt.layers.dense({ units: 2, name: "head", seed: 2 }).apply(gt.layers.flatten({ name: "flat" }).apply(normed));
    const m = gt.model({ inputs: ids, outputs: pooled });
    const batch = gt.tensor([[1, 2, 3, 4, 5], [19, 0, 0, 7, 7]], [2, 5], "int32");
    const seq = gt.sequential(m.layers.slice(1) as gt.layers.Layer[]);
    expect(flat(m.predict(batch))).toEqual(flat(seq.predict(batch)));
  });

  it("shares the weights of a layer applied twice", () => {
    const shared = gt.layers.dense({ units: 3, name: "shared", seed: 7 });
    const a = gt.input({ shape: [4], name: "left" });
    const b = gt.input({ shape: [4], name: "right" });
    const diff = gt.layers.subtract({ name: "diff" }).apply([shared.apply(a), shared.apply(b)]);
    const m = gt.model({ inputs: [a, b], outputs: diff });
    expect(m.layers.map((l) => l.name)).toEqual(["left", "right", "shared", "diff"]);
    expect(m.trainableVariables.map((v) => v.name)).toEqual(["shared/kernel", "shared/bias"]);
    const xa = gt.randomNormal([5, 4], { seed: 1 });
    const xb = gt.randomNormal([5, 4], { seed: 2 });
    const expected = gt.sub(shared.apply(xa), shared.apply(xb));
    expect(flat(m.call([xa, xb]))).toEqual(flat(expected));
    // The gradient of a shared kernel is the sum over both applications: here (xa − xb)ᵀ·1.
    const tape = new gt.GradientTape();
    const s = tape.record(() => (m.call([xa, xb]) as gt.Tensor).sum());
    const [dk, db] = tape.gradient(s, m.trainableVariables);
    const want = gt.matmul(gt.sub(xa, xb), gt.ones([5, 3]), true);
    const err = flat(dk).map((v, i) => Math.abs(v - flat(want)[i]));
    expect(Math.max(...err)).toBeLessThan(1e-5);
    expect(flat(db)).toEqual([0, 0, 0]);
  });

  it("rejects graphs that are not models, with messages that say why", () => {
    const a = gt.input({ shape: [2], name: "in_a" });
    const b = gt.input({ shape: [2], name: "in_b" });
    const h = gt.layers.dense({ units: 2, name: "hh" }).apply(a);
    const s = gt.layers.add({ name: "ss" }).apply([h, b]);
    expect(() => gt.model({ inputs: a, outputs: s })).toThrow("model: the outputs depend on the input 'in_b' (shape (None, 2)), which is not in inputs");
    expect(() => gt.model({ inputs: h, outputs: s })).toThrow("model: inputs is the output of 'hh' (Dense, shape (None, 2)), not a model input; give the tensors gt.input returned");
    expect(() => gt.model({ inputs: a, outputs: gt.ones([1, 2]) as never })).toThrow(/^model: outputs must be a symbolic tensor \(from gt.input or layer.apply\), got a float32 tensor of shape \[1, 2\] \(a real tensor/);
    const twin = gt.layers.dense({ units: 2, name: "hh" }).apply(h);
    expect(() => gt.model({ inputs: a, outputs: twin })).toThrow("model: two different layers are named 'hh' (Dense and Dense); layer names must be unique in a model");
    expect(() => gt.model({ inputs: [a, a], outputs: h })).toThrow("model: input 'in_a' is listed twice in inputs");
    expect(() => gt.model({ inputs: a, outputs: h }).add(gt.layers.relu())).toThrow(/add\(\) appends to sequential models/);
  });
});
