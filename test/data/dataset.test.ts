import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { fromGenerator, fromTensorSlices } from "../../src/data/dataset.js";

const x = gt.tensor(Array.from({ length: 10 }, (_, i) => [i, 10 * i]));
const y = gt.tensor(Array.from({ length: 10 }, (_, i) => i), undefined, "int32");

describe("Dataset", () => {
  it("slices tensors into examples and batches them, keeping the last partial batch", () => {
    const ds = fromTensorSlices([x, y]).batch(4);
    const batches = ds.toArray();
    expect(batches.map(([xb]) => xb.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches.flatMap(([, yb]) => Array.from(yb.data()))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches[2][0].toArray()).toEqual([[8, 80], [9, 90]]);
    expect(ds.size).toBe(3);
    expect(fromTensorSlices([x, y]).batch(4, { dropRemainder: true }).size).toBe(2);
  });
  it("shuffle is deterministic per seed, covers every sample once per pass, and reshuffles each pass", () => {
    const labels = (ds: gt.data.Dataset<readonly gt.Tensor[]>) => ds.toArray().flatMap(([, yb]) => Array.from(yb.data()));
    const a = fromTensorSlices([x, y]).shuffle({ seed: 3 }).batch(3);
    const b = fromTensorSlices([x, y]).shuffle({ seed: 3 }).batch(3);
    const first = labels(a);
    expect(first).toEqual(labels(b));
    expect([...first].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const second = labels(a);
    expect(second).not.toEqual(first);
    expect([...second].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(labels(fromTensorSlices([x, y]).shuffle({ seed: 4 }).batch(3))).not.toEqual(first);
    // x and y stay paired through the shuffle.
    for (const [xb, yb] of a) expect(Array.from(xb.slice([0, 0], [-1, 1]).data())).toEqual(Array.from(yb.data()));
  });
  it("map, take, records, single examples, and generators", () => {
    const doubled = fromTensorSlices({ x, y }).batch(5).map(({ x: xb, y: yb }) => ({ x: xb.mul(2), y: yb }));
    expect(doubled.toArray()[1].x.toArray()).toEqual([[10, 100], [12, 120], [14, 140], [16, 160], [18, 180]]);
    const one = fromTensorSlices(y).toArray();
    expect(one.length).toBe(10);
    expect(one[3].shape).toEqual([]);
    expect(one[3].item()).toBe(3);
    expect(fromTensorSlices(y).take(2).toArray().map((t) => t.item())).toEqual([0, 1]);
    const gen = fromGenerator(function* () {
      for (let i = 0; i < 5; i++) yield gt.tensor([i, -i]);
    }).batch(2);
    expect(gen.toArray().map((t) => t.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(gen.toArray()[1].toArray()).toEqual([[2, -2], [3, -3]]);
  });
  it("errors name what was wrong", () => {
    expect(() => fromTensorSlices([x, gt.zeros([9])])).toThrow("fromTensorSlices: first dimensions differ: '0' is [10, 2], '1' is [9]");
    expect(() => fromTensorSlices([x, y]).batch(0)).toThrow("Dataset.batch: batchSize must be a positive integer, got 0");
    expect(() => fromTensorSlices(gt.tensor(1))).toThrow("'0' is a scalar");
  });
});
