// stack, unstack, split and tile: values against index arithmetic written here, gradients against
// finite differences in float64, and the messages for bad arguments.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { expectGradient, iota, normal } from "./helpers.js";

describe("stack", () => {
  it("stacks along a new axis at each position", () => {
    const a = iota([2, 3]);
    const b = iota([2, 3], 10);
    expect(gt.stack([a, b]).toArray()).toEqual([a.toArray(), b.toArray()]);
    expect(gt.stack([a, b], 1).toArray()).toEqual([[[0, 1, 2], [10, 11, 12]], [[3, 4, 5], [13, 14, 15]]]);
    expect(gt.stack([a, b], -1).toArray()).toEqual([[[0, 10], [1, 11], [2, 12]], [[3, 13], [4, 14], [5, 15]]]);
    expect(gt.stack([1, 2, 3]).toArray()).toEqual([1, 2, 3]);
    expect(a.stack(b, 2).shape).toEqual([2, 3, 2]);
    expect(a.stack([b, b]).shape).toEqual([3, 2, 3]);
  });
  it("is differentiable in every input", () => {
    expectGradient((a, b, c) => gt.stack([a, b, c], 1), [normal([2, 3]), normal([2, 3]), normal([2, 3])]);
  });
  it("refuses an empty list, mismatched shapes and an axis past rank + 1", () => {
    expect(() => gt.stack([])).toThrow("stack: expected a non-empty array of tensors, got an array of length 0");
    expect(() => gt.stack([gt.ones([2]), gt.ones([3])])).toThrow("stack: tensors[1] has shape [3], but tensors[0] has shape [2]; stacked tensors must have one shape");
    expect(() => gt.stack([gt.ones([2]), gt.ones([2])], 2)).toThrow("stack: axis 2 is out of range for a tensor of rank 2");
  });
});

describe("unstack", () => {
  it("gives the slices along the axis without it", () => {
    const x = iota([2, 3]);
    expect(gt.unstack(x).map((t) => t.toArray())).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(x.unstack(1).map((t) => t.toArray())).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(gt.unstack(gt.zeros([0, 2]))).toEqual([]);
  });
  it("inverts stack, and is differentiable", () => {
    const x = normal([3, 2, 4]);
    expect(gt.stack(gt.unstack(x, 1), 1).toArray()).toEqual(x.toArray());
    expectGradient((t) => gt.unstack(t, 1)[0].mul(gt.unstack(t, 1)[1]), [x]);
  });
  it("refuses a scalar and a missing axis", () => {
    expect(() => gt.unstack(gt.tensor(1))).toThrow("unstack: axis 0 is out of range for a tensor of rank 0");
    expect(() => gt.unstack(gt.ones([2, 2]), -3)).toThrow("unstack: axis -3 is out of range for a tensor of rank 2; valid axes: [-2, 1]");
  });
});

describe("split", () => {
  const x = iota([2, 6]);
  it("splits into equal parts or given sizes, one of them inferred", () => {
    expect(gt.split(x, 3, 1).map((t) => t.toArray())).toEqual([[[0, 1], [6, 7]], [[2, 3], [8, 9]], [[4, 5], [10, 11]]]);
    expect(x.split([1, -1, 2], 1).map((t) => t.shape)).toEqual([[2, 1], [2, 3], [2, 2]]);
    expect(x.split([1, -1, 2], 1)[1].toArray()).toEqual([[1, 2, 3], [7, 8, 9]]);
    expect(gt.split(x, 2).map((t) => t.toArray())).toEqual([[[0, 1, 2, 3, 4, 5]], [[6, 7, 8, 9, 10, 11]]]);
    expect(gt.split(x, [6, 0], 1)[1].shape).toEqual([2, 0]);
  });
  it("is differentiable, concat undoing it", () => {
    expect(gt.concat(gt.split(x, [2, 4], 1), 1).toArray()).toEqual(x.toArray());
    expectGradient((t) => { const [a, b] = gt.split(t, [2, -1], 1); return a.sum(1).mul(b.sum(1)); }, [normal([3, 5])]);
  });
  it("refuses parts that do not divide the axis and sizes that do not add up", () => {
    expect(() => gt.split(x, 4, 1)).toThrow("split: axis 1 of shape [2, 6] has size 6, which does not divide into 4 equal parts");
    expect(() => gt.split(x, [2, 3], 1)).toThrow("split: sizes [2,3] add up to 5, but axis 1 of shape [2, 6] has size 6");
    expect(() => gt.split(x, [4, 3, -1], 1)).toThrow("split: sizes [4,3,-1] add up to 7, but axis 1 of shape [2, 6] has size 6");
    expect(() => gt.split(x, [-1, -1], 1)).toThrow("split: sizes [-1,-1] have more than one -1");
    expect(() => gt.split(x, 0)).toThrow("split: numOrSizeSplits must be a positive integer or an array of sizes, got 0");
    expect(() => gt.split(x, [1.5, 4.5], 1)).toThrow("split: numOrSizeSplits must be a positive integer or an array of non-negative integer sizes (one may be -1)");
    expect(() => gt.split(x, 2, 2)).toThrow("split: axis 2 is out of range for a tensor of rank 2");
  });
});

describe("tile", () => {
  it("repeats along each dimension, as a loop over output indices", () => {
    const x = iota([2, 3]);
    const y = gt.tile(x, [2, 3]);
    expect(y.shape).toEqual([4, 9]);
    const xs = x.toArray() as number[][];
    const ys = y.toArray() as number[][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 9; j++) expect(ys[i][j]).toBe(xs[i % 2][j % 3]);
    expect(gt.tile(gt.tensor([1, 2]), [3]).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(x.tile([1, 1]).toArray()).toEqual(x.toArray());
    expect(x.tile([0, 2]).shape).toEqual([0, 6]);
    expect(gt.tile(gt.tensor([1, 2], undefined, "int32"), [2]).dtype).toBe("int32");
  });
  it("sums the gradient over the copies", () => {
    expectGradient((t) => gt.tile(t, [2, 1, 3]).square(), [normal([2, 3, 2])]);
    const tape = new gt.GradientTape();
    const x = gt.tensor([1, 2]);
    tape.watch(x);
    const y = tape.record(() => gt.tile(x, [3]).sum());
    expect(tape.gradient(y, x).toArray()).toEqual([3, 3]);
  });
  it("refuses non-integer reps and reps of another length than the rank", () => {
    expect(() => gt.tile(gt.ones([2]), [1.5])).toThrow("tile: reps must hold one non-negative integer per dimension of shape [2] (1 of them), got [1.5]");
    expect(() => gt.tile(gt.ones([2, 2]), [2])).toThrow("tile: reps must hold one non-negative integer per dimension of shape [2, 2] (2 of them), got [2]");
    expect(() => gt.tile(gt.ones([2]), [-1])).toThrow("tile: reps must hold one non-negative integer");
  });
});
