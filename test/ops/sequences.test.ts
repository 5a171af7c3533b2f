// range, linspace and eye against values written out by hand, and their argument checks.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("range", () => {
  it("counts from start by step, stopping before stop", () => {
    expect(gt.range(0, 5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(gt.range(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(gt.range(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(gt.range(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(gt.range(0, 1, 0.3).size).toBe(4);
    expect(gt.range(2, 2).shape).toEqual([0]);
    expect(gt.range(5, 0).shape).toEqual([0]);
    expect(gt.range(0, 5, -1).shape).toEqual([0]);
  });
  it("computes start + i·step, so a long float64 range does not drift", () => {
    const r = gt.range(0, 10, 0.1, "float64").data();
    expect(r.length).toBe(100);
    r.forEach((v, i) => expect(v).toBe(i * 0.1));
  });
  it("takes a dtype", () => {
    const r = gt.range(0, 6, 2, "int32");
    expect([r.dtype, r.toArray()]).toEqual(["int32", [0, 2, 4]]);
    expect(gt.range(0, 3).dtype).toBe("float32");
  });
  it("refuses a zero step, non-finite ends and fractions for int32", () => {
    expect(() => gt.range(0, 5, 0)).toThrow("range: step must not be 0");
    expect(() => gt.range(0, Infinity)).toThrow("range: stop must be a finite number, got number Infinity");
    expect(() => gt.range(0, 2, 0.5, "int32")).toThrow("range: dtype int32 needs an integer start and step, got start 0 and step 0.5");
    expect(() => gt.range(0, 2, 1, "int8" as never)).toThrow('range: unknown dtype "int8"');
  });
});

describe("linspace", () => {
  it("spaces num values evenly, both ends included", () => {
    expect(gt.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gt.linspace(3, -3, 4).toArray()).toEqual([3, 1, -1, -3]);
    expect(gt.linspace(2, 9, 1).toArray()).toEqual([2]);
    expect(gt.linspace(0, 0.7, 8).data()[7]).toBe(Math.fround(0.7));
  });
  it("refuses a num that is not a positive integer", () => {
    expect(() => gt.linspace(0, 1, 0)).toThrow("linspace: num must be a positive integer, got number 0");
    expect(() => gt.linspace(0, 1, 2.5)).toThrow("linspace: num must be a positive integer, got number 2.5");
    expect(() => gt.linspace(0, NaN, 2)).toThrow("linspace: stop must be a finite number, got number NaN");
  });
});

describe("eye", () => {
  it("puts ones on the main diagonal", () => {
    expect(gt.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(gt.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(gt.eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(gt.eye(0).shape).toEqual([0, 0]);
  });
  it("repeats over a batch shape, in a dtype", () => {
    const e = gt.eye(2, 2, [3], "int32");
    expect([e.dtype, e.shape]).toEqual(["int32", [3, 2, 2]]);
    expect(e.toArray()).toEqual([[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]]);
  });
  it("refuses sizes that are not non-negative integers", () => {
    expect(() => gt.eye(-1)).toThrow("eye: numRows must be a non-negative integer, got number -1");
    expect(() => gt.eye(2, 1.5)).toThrow("eye: numColumns must be a non-negative integer, got number 1.5");
    expect(() => gt.eye(2, 2, [-2])).toThrow("eye: shape [-2] has an invalid dimension -2");
  });
});
