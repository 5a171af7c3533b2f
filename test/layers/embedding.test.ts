// The embedding layer: lookups against a table read by hand, the gradient as a segment sum
// (repeated ids accumulate) checked against central differences in float64, Keras' initializer,
// errors naming the bad id and its index, and save/load.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { checkWeightGradients } from "../helpers/weight-gradients.js";

const ids = (rows: number[][]) => gt.tensor(rows, [rows.length, rows[0].length], "int32");

describe("layers.embedding", () => {
  it("maps ids [batch, time] to the table's rows [batch, time, outputDim]", () => {
    const e = gt.layers.embedding({ inputDim: 4, outputDim: 3, dtype: "float64" });
    const x = ids([[0, 3, 3], [2, 1, 0]]);
    const y = e.apply(x);
    expect(y.shape).toEqual([2, 3, 3]);
    const table = e.embeddings!.toArray() as number[][];
    expect(y.toArray()).toEqual([[table[0], table[3], table[3]], [table[2], table[1], table[0]]]);
    // Rank 1 ids (one per sample) and whole-number float ids, which Keras casts.
    expect(e.apply(gt.tensor([2, 0], [2], "int32")).toArray()).toEqual([table[2], table[0]]);
    expect(e.apply(gt.tensor([[1, 2]])).toArray()).toEqual([[table[1], table[2]]]);
  });

  it("draws the table uniform in ±0.05 (Keras' default), repeatably with a seed", () => {
    const a = gt.layers.embedding({ inputDim: 50, outputDim: 20, seed: 3 });
    const b = gt.layers.embedding({ inputDim: 50, outputDim: 20, seed: 3 });
    a.apply(ids([[0]]));
    b.apply(ids([[0]]));
    const v = Array.from(a.embeddings!.data());
    expect(v.every((t) => t >= -0.05 && t < 0.05)).toBe(true);
    expect(Math.max(...v)).toBeGreaterThan(0.045);
    expect(Math.min(...v)).toBeLessThan(-0.045);
    expect(Array.from(b.embeddings!.data())).toEqual(v);
    expect(a.countParams()).toBe(1000);
  });

  it("its gradient sums the output gradients into each id's row (a segment sum), as central differences say", () => {
    const e = gt.layers.embedding({ inputDim: 5, outputDim: 2, dtype: "float64", embeddingsInitializer: { name: "randomNormal", stddev: 1 }, seed: 1 });
    const x = ids([[1, 4, 1], [0, 1, 4]]);
    e.apply(x);
    // d/dtable of sum(y · w): row k gets the sum of w over the places where id k occurs.
    const w = gt.randomNormal([2, 3, 2], { seed: 2, dtype: "float64" });
    const tape = new gt.GradientTape();
    const loss = tape.record(() => gt.sum(gt.mul(e.call(x), w)));
    const g = tape.gradient(loss, e.embeddings!).toArray() as number[][];
    const wv = w.toArray() as number[][][];
    const expected = [0, 1, 2, 3, 4].map((k) => [0, 1].map((j) => {
      let s = 0;
      (x.toArray() as number[][]).forEach((row, b) => row.forEach((id, t) => { if (id === k) s += wv[b][t][j]; }));
      return s;
    }));
    g.forEach((row, k) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[k][j], 14)));
    expect(g[2]).toEqual([0, 0]);
    expect(g[3]).toEqual([0, 0]);
    const r = checkWeightGradients(() => gt.tanh(e.call(x)), [e.embeddings!]);
    expect(r.maxRelativeError).toBeLessThan(1e-8);
    expect(r.largest).toBeGreaterThan(0.1);
  });

  it("the lookup is a gather on the tape, sent back by unsortedSegmentSum, not a one-hot product", () => {
    const e = gt.layers.embedding({ inputDim: 1000, outputDim: 4 });
    const x = ids([[7, 7, 999]]);
    e.apply(x);
    const tape = new gt.GradientTape();
    const loss = tape.record(() => e.call(x).sum());
    // The tape's node list is private; reading it is the direct way to see which ops ran.
    const ops = (tape as unknown as { nodes: { op: string }[] }).nodes.map((n) => n.op);
    expect(ops).toContain("gather");
    expect(ops).not.toContain("matmul");
    expect(ops).not.toContain("oneHot");
    const g = tape.gradient(loss, e.embeddings!);
    expect(Array.from(g.data().slice(28, 32))).toEqual([2, 2, 2, 2]);
    expect(Array.from(g.data().slice(999 * 4))).toEqual([1, 1, 1, 1]);
    expect(g.sum().item()).toBe(12);
  });

  it("ids out of range, negative or fractional give an error naming the id and its index", () => {
    const e = gt.layers.embedding({ inputDim: 10, outputDim: 2 });
    expect(() => e.apply(ids([[1, 2], [3, 10]]))).toThrow(/embedding(_\d+)?: id 10 at index \[1, 1\] of ids \[2, 2\] is not an integer in \[0, 10\) \(inputDim 10\)/);
    expect(() => e.apply(ids([[-1, 2]]))).toThrow(/id -1 at index \[0, 0\]/);
    expect(() => e.apply(gt.tensor([[0, 1.5]]))).toThrow(/id 1.5 at index \[0, 1\]/);
  });

  it("options are checked: sizes, maskZero, inputLength", () => {
    expect(() => gt.layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/embedding: inputDim must be a positive integer, got 0/);
    expect(() => gt.layers.embedding({ inputDim: 3 } as never)).toThrow(/embedding: outputDim must be a positive integer/);
    expect(() => gt.layers.embedding({ inputDim: 3, outputDim: 2, maskZero: true })).toThrow(/maskZero true is not supported/);
    expect(() => gt.layers.embedding({ inputDim: 3, outputDim: 2, input_dim: 3 } as never)).toThrow(/unknown option 'input_dim' \(did you mean 'inputDim'\?\)/);
    const e = gt.layers.embedding({ inputDim: 3, outputDim: 2, inputLength: 4 });
    expect(e.inputShape).toEqual([4]);
    expect(() => e.apply(ids([[0, 1, 2]]))).toThrow(/declared inputShape \[4\] does not match the received input of shape \[1, 3\]/);
  });

  it("in a model: summary, getConfig, save and load give the same predictions", () => {
    const model = gt.sequential([
      gt.layers.embedding({ inputDim: 6, outputDim: 3, inputLength: 4, seed: 5, name: "emb" }),
      gt.layers.flatten(),
      gt.layers.dense({ units: 2, seed: 6 }),
    ]);
    const text = model.summary(() => {});
    expect(text).toMatch(/emb \(Embedding\)\s+\(None, 4, 3\)\s+18/);
    expect(model.countParams()).toBe(18 + 12 * 2 + 2);
    const copy = gt.layers.modelFromConfig(JSON.parse(JSON.stringify(model.getConfig())));
    expect(copy.layers[0].getConfig()).toEqual(model.layers[0].getConfig());
    const dir = mkdtempSync(join(tmpdir(), "gradtape-emb-"));
    try {
      model.save(dir);
      const loaded = gt.loadModel(dir);
      const x = ids([[0, 5, 2, 2], [1, 1, 4, 3]]);
      expect(Array.from(loaded.predict(x).data())).toEqual(Array.from(model.predict(x).data()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
