// simpleRNN and lstm with Keras' semantics and weight layout: forward passes against loops written
// here over plain arrays, gradients (input and every weight) against central differences in
// float64, Keras' initial weights (orthogonal recurrent kernel, forget bias 1), summary, config,
// save/load, and the errors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { checkWeightGradients } from "../helpers/weight-gradients.js";

type Matrix = number[][];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** Row vector times matrix, plus bias: v·M + b. */
const affine = (v: number[], m: Matrix, b: number[]) => b.map((bj, j) => v.reduce((s, vi, i) => s + vi * m[i][j], bj));
const sumRows = (a: number[], b: number[]) => a.map((t, j) => t + b[j]);

/** SimpleRNN over one sequence: every step's h. */
function simpleRnnRef(seq: Matrix, k: Matrix, u: Matrix, b: number[], act: (v: number) => number): Matrix {
  let h = b.map(() => 0);
  return seq.map((xt) => (h = sumRows(affine(xt, k, b), affine(h, u, b.map(() => 0))).map(act)));
}

/** LSTM over one sequence, Keras' gate order i, f, c, o: every step's h. */
function lstmRef(seq: Matrix, k: Matrix, u: Matrix, b: number[]): Matrix {
  const n = b.length / 4;
  let h = new Array(n).fill(0), c = new Array(n).fill(0);
  return seq.map((xt) => {
    const z = sumRows(affine(xt, k, b), affine(h, u, b.map(() => 0)));
    const gate = (g: number) => z.slice(g * n, (g + 1) * n);
    const i = gate(0).map(sigmoid), f = gate(1).map(sigmoid), cand = gate(2).map(Math.tanh), o = gate(3).map(sigmoid);
    c = c.map((cj, j) => f[j] * cj + i[j] * cand[j]);
    h = c.map((cj, j) => o[j] * Math.tanh(cj));
    return h;
  });
}

const normal = (shape: number[], seed: number, stddev = 1) => gt.randomNormal(shape, { seed, stddev, dtype: "float64" });

/** A built float64 layer with random weights of a useful size (not the small initial ones). */
function withRandomWeights<L extends gt.layers.Recurrent>(layer: L, features: number, seed: number): L {
  layer.apply(gt.zeros([1, 1, features], "float64"));
  layer.weights.forEach((w, i) => w.assign(normal(w.shape.slice(), seed + i, 0.6)));
  return layer;
}

/** The layer's gradients in its input and in each of its weights agree with central differences, and are not all zero. */
function expectGradients(layer: gt.layers.Layer, x: gt.Tensor): void {
  const r = gt.checkGradients((input) => layer.call(input), [x]);
  expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(1e-7);
  expect(r.analytic[0].abs().max().item()).toBeGreaterThan(0.05);
  const w = checkWeightGradients(() => layer.call(x), layer.weights);
  expect(w.maxRelativeError).toBeLessThan(1e-7);
  expect(w.largest).toBeGreaterThan(0.1);
}

function expectClose(actual: gt.Tensor, expected: unknown, digits = 12): void {
  const a = (actual.toArray() as unknown[]).flat(3) as number[];
  const e = (expected as unknown[]).flat(3) as number[];
  expect(a.length).toBe(e.length);
  e.forEach((v, i) => expect(a[i]).toBeCloseTo(v, digits));
}

describe("layers.simpleRNN", () => {
  it("h_t = tanh(x_t·kernel + h_{t−1}·recurrentKernel + bias), as the reference loop; last step or every step", () => {
    const x = normal([3, 4, 2], 1);
    const seqs = x.toArray() as Matrix[];
    for (const returnSequences of [false, true]) {
      const rnn = withRandomWeights(gt.layers.simpleRNN({ units: 3, returnSequences, dtype: "float64" }), 2, 10);
      const [k, u, b] = rnn.weights.map((w) => w.toArray()) as [Matrix, Matrix, number[]];
      const expected = seqs.map((s) => simpleRnnRef(s, k, u, b, Math.tanh));
      const y = rnn.apply(x);
      expect(y.shape).toEqual(returnSequences ? [3, 4, 3] : [3, 3]);
      expectClose(y, returnSequences ? expected : expected.map((hs) => hs[hs.length - 1]));
    }
  });

  it("goBackwards reads from the last step, and activation 'relu' replaces tanh", () => {
    const x = normal([2, 5, 3], 2);
    const rnn = withRandomWeights(gt.layers.simpleRNN({ units: 2, goBackwards: true, returnSequences: true, activation: "relu", dtype: "float64" }), 3, 20);
    const [k, u, b] = rnn.weights.map((w) => w.toArray()) as [Matrix, Matrix, number[]];
    expectClose(rnn.apply(x), (x.toArray() as Matrix[]).map((s) => simpleRnnRef(s.slice().reverse(), k, u, b, (v) => Math.max(0, v))));
  });

  it("gradients in the input and in kernel, recurrentKernel and bias match central differences (float64)", () => {
    const rnn = withRandomWeights(gt.layers.simpleRNN({ units: 3, returnSequences: true, dtype: "float64" }), 2, 30);
    const x = normal([2, 4, 2], 3);
    expectGradients(rnn, x);
  });

  it("Keras' initial weights and layout: kernel [features, units] glorot, orthogonal recurrent kernel, zero bias", () => {
    const rnn = gt.layers.simpleRNN({ units: 5, seed: 4, dtype: "float64" });
    rnn.apply(gt.zeros([1, 2, 3], "float64"));
    expect(rnn.weights.map((w) => [w.name.split("/")[1], w.shape])).toEqual([["kernel", [3, 5]], ["recurrentKernel", [5, 5]], ["bias", [5]]]);
    const u = rnn.recurrentKernel!;
    expectClose(gt.matmul(u, u, true), (gt.eye(5, 5).toArray() as number[][]), 12);
    expect(Array.from(rnn.bias!.data())).toEqual([0, 0, 0, 0, 0]);
    const limit = Math.sqrt(6 / 8);
    expect(rnn.kernel!.abs().max().item()).toBeLessThanOrEqual(limit);
    expect(rnn.countParams()).toBe(3 * 5 + 5 * 5 + 5);
  });
});

describe("layers.lstm", () => {
  it("Keras' cell with gates i, f, c, o along the kernels' columns, as the reference loop", () => {
    const x = normal([2, 5, 3], 5);
    for (const returnSequences of [false, true]) {
      const cell = withRandomWeights(gt.layers.lstm({ units: 2, returnSequences, dtype: "float64" }), 3, 40);
      const [k, u, b] = cell.weights.map((w) => w.toArray()) as [Matrix, Matrix, number[]];
      const expected = (x.toArray() as Matrix[]).map((s) => lstmRef(s, k, u, b));
      const y = cell.apply(x);
      expect(y.shape).toEqual(returnSequences ? [2, 5, 2] : [2, 2]);
      expectClose(y, returnSequences ? expected : expected.map((hs) => hs[hs.length - 1]));
    }
  });

  it("the cell state carries over: c_t = f·c_{t−1} + i·tanh(z_c), with the gates set by the bias alone", () => {
    // Zero kernels: z is the bias every step, so i = σ(0) = 0.5, f = o = σ(20), z_c = 1.
    const cell = gt.layers.lstm({ units: 1, dtype: "float64", kernelInitializer: "zeros", recurrentInitializer: "zeros" });
    cell.apply(gt.zeros([1, 1, 1], "float64"));
    cell.bias!.assign(gt.tensor([0, 20, 1, 20], [4], "float64"));
    const y = cell.apply(gt.zeros([1, 6, 1], "float64")).item();
    let c = 0;
    for (let t = 0; t < 6; t++) c = sigmoid(20) * c + 0.5 * Math.tanh(1);
    expect(y).toBeCloseTo(sigmoid(20) * Math.tanh(c), 12);
  });

  it("gradients in the input and in every weight match central differences (float64)", () => {
    const cell = withRandomWeights(gt.layers.lstm({ units: 2, returnSequences: true, dtype: "float64" }), 3, 50);
    const x = normal([2, 3, 3], 6);
    expectGradients(cell, x);
    // Backwards too, and only the last step: the gradient still reaches every weight.
    const back = withRandomWeights(gt.layers.lstm({ units: 2, goBackwards: true, dtype: "float64" }), 3, 60);
    expect(checkWeightGradients(() => back.call(x), back.weights).maxRelativeError).toBeLessThan(1e-7);
  });

  it("Keras' initial weights: [features, 4·units] kernels, orthogonal rows in the recurrent kernel, forget bias 1", () => {
    const cell = gt.layers.lstm({ units: 3, seed: 7, dtype: "float64" });
    cell.apply(gt.zeros([1, 2, 4], "float64"));
    expect(cell.weights.map((w) => [w.name.split("/")[1], w.shape])).toEqual([["kernel", [4, 12]], ["recurrentKernel", [3, 12]], ["bias", [12]]]);
    const u = cell.recurrentKernel!;
    expectClose(gt.matmul(u, u, false, true), gt.eye(3).toArray(), 12);
    expect(Array.from(cell.bias!.data())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const plain = gt.layers.lstm({ units: 3, unitForgetBias: false, biasInitializer: "ones" });
    plain.apply(gt.zeros([1, 2, 4]));
    expect(Array.from(plain.bias!.data())).toEqual(new Array(12).fill(1));
    const summed = gt.layers.lstm({ units: 2, biasInitializer: { name: "randomUniform", minval: -3, maxval: -2 } });
    summed.apply(gt.zeros([1, 1, 1]));
    const bias = Array.from(summed.bias!.data());
    expect(bias.slice(2, 4)).toEqual([1, 1]);
    expect([...bias.slice(0, 2), ...bias.slice(4)].every((v) => v >= -3 && v < -2)).toBe(true);
    // The same seed, the same weights.
    const again = gt.layers.lstm({ units: 3, seed: 7, dtype: "float64" });
    again.apply(gt.zeros([1, 2, 4], "float64"));
    expect(again.weights.map((w) => Array.from(w.data()))).toEqual(cell.weights.map((w) => Array.from(w.data())));
  });
});

describe("recurrent layers in models", () => {
  it("summary counts Keras' parameters; getConfig, save and load give the same predictions", () => {
    const model = gt.sequential([
      gt.layers.embedding({ inputDim: 7, outputDim: 4, inputLength: 5, seed: 1, name: "emb" }),
      gt.layers.lstm({ units: 6, returnSequences: true, seed: 2, name: "lstm_a" }),
      gt.layers.simpleRNN({ units: 3, goBackwards: true, activation: "relu", seed: 3, name: "rnn_b" }),
      gt.layers.dense({ units: 2, seed: 4 }),
    ]);
    const text = model.summary(() => {});
    expect(text).toMatch(/lstm_a \(LSTM\)\s+\(None, 5, 6\)\s+264/); // 4·(4·6 + 6·6 + 6)
    expect(text).toMatch(/rnn_b \(SimpleRNN\)\s+\(None, 3\)\s+30/); // 6·3 + 3·3 + 3
    const config = JSON.parse(JSON.stringify(model.getConfig()));
    const copy = gt.layers.modelFromConfig(config);
    expect(copy.getConfig()).toEqual(config);
    expect(config.config.layers[1].config).toMatchObject({ units: 6, returnSequences: true, recurrentActivation: "sigmoid", unitForgetBias: true, recurrentInitializer: "orthogonal" });
    const dir = mkdtempSync(join(tmpdir(), "gradtape-rnn-"));
    try {
      model.save(dir);
      const loaded = gt.loadModel(dir);
      const x = gt.tensor([[0, 1, 2, 3, 4], [6, 5, 6, 5, 0]], [2, 5], "int32");
      expect(Array.from(loaded.predict(x).data())).toEqual(Array.from(model.predict(x).data()));
      // Loading keeps the saved bias; the forget-gate ones are only the initial value.
      expect(Array.from(loaded.layers[1].weights[2].data())).toEqual(Array.from(model.layers[1].weights[2].data()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("in a functional model (int32 input → embedding → lstm → layerNormalization → simpleRNN): the same predictions as run by hand, and after a round trip through memory", () => {
    const inp = gt.input({ shape: [5], dtype: "int32" });
    const layers = [
      gt.layers.embedding({ inputDim: 7, outputDim: 4, seed: 1 }), gt.layers.lstm({ units: 6, returnSequences: true, seed: 2 }),
      gt.layers.layerNormalization(), gt.layers.simpleRNN({ units: 3, seed: 3 }), gt.layers.dense({ units: 2, seed: 4 }),
    ];
    const out = layers.reduce<gt.SymbolicTensor>((t, l) => l.apply(t) as gt.SymbolicTensor, inp);
    const model = gt.model({ inputs: inp, outputs: out });
    const x = gt.tensor([[0, 1, 2, 3, 4], [6, 5, 6, 5, 0]], [2, 5], "int32");
    const byHand = layers.reduce<gt.Tensor>((t, l) => l.apply(t), x);
    expect(Array.from(model.predict(x).data())).toEqual(Array.from(byHand.data()));
    expect(model.summary(() => {})).toMatch(/lstm\S* \(LSTM\)\s+\(None, 5, 6\)\s+264/);
    const copy = gt.fromMemory(gt.toMemory(model)).model;
    expect(Array.from(copy.predict(x).data())).toEqual(Array.from(byHand.data()));
  });

  it("options and shapes are checked", () => {
    expect(() => gt.layers.lstm({} as never)).toThrow(/lstm: units must be a positive integer, got undefined/);
    expect(() => gt.layers.simpleRNN({ units: 2, returnState: true })).toThrow(/simpleRNN: returnState true is not supported/);
    expect(() => gt.layers.lstm({ units: 2, dropout: 0.1 } as never)).toThrow(/lstm: unknown option 'dropout'/);
    expect(() => gt.layers.lstm({ units: 2, return_sequences: true } as never)).toThrow(/did you mean 'returnSequences'/);
    expect(() => gt.layers.simpleRNN({ units: 2, recurrentActivation: "sigmoid" } as never)).toThrow(/simpleRNN: unknown option 'recurrentActivation'/);
    expect(() => gt.layers.lstm({ units: 2, name: "l" }).apply(gt.zeros([4, 3]))).toThrow("l: expected inputs of shape [batch, time, features], got [?, 3]");
    const cell = gt.layers.lstm({ units: 2, name: "l2" });
    cell.apply(gt.zeros([1, 2, 3]));
    expect(() => cell.apply(gt.zeros([1, 2, 4]))).toThrow("l2: expected inputs of shape [batch, time, 3] with at least one time step, got [1, 2, 4]");
    expect(() => cell.apply(gt.zeros([1, 0, 3]))).toThrow(/with at least one time step, got \[1, 0, 3\]/);
  });
});
