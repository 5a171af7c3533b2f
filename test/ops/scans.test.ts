// cumsum against a loop written here, in each direction and mode, with its gradient.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { expectGradient, firstGradient, iota, normal } from "./helpers.js";

/** cumsum along axis 1 of a [p, q, r] nested array, by definition. */
function naive(x: number[][][], exclusive: boolean, reverse: boolean): number[][][] {
  return x.map((plane) => plane.map((_, i) => plane[0].map((__, k) => {
    let s = 0;
    plane.forEach((row, j) => {
      const inside = reverse ? (exclusive ? j > i : j >= i) : exclusive ? j < i : j <= i;
      if (inside) s += row[k];
    });
    return s;
  })));
}

describe("cumsum", () => {
  it("sums along the axis", () => {
    expect(gt.cumsum(gt.tensor([1, 2, 3])).toArray()).toEqual([1, 3, 6]);
    expect(gt.cumsum(gt.tensor([1, 2, 3]), 0, true).toArray()).toEqual([0, 1, 3]);
    expect(gt.cumsum(gt.tensor([1, 2, 3]), 0, false, true).toArray()).toEqual([6, 5, 3]);
    expect(gt.cumsum(gt.tensor([1, 2, 3]), 0, true, true).toArray()).toEqual([5, 3, 0]);
    expect(iota([2, 3]).cumsum(-1).toArray()).toEqual([[0, 1, 3], [3, 7, 12]]);
    expect(gt.cumsum(gt.tensor([1, 2], undefined, "int32")).dtype).toBe("int32");
  });
  for (const exclusive of [false, true]) {
    for (const reverse of [false, true]) {
      it(`matches the definition and finite differences with exclusive=${exclusive}, reverse=${reverse}`, () => {
        const x = normal([2, 4, 3]);
        const got = gt.cumsum(x, 1, exclusive, reverse).toArray() as number[][][];
        const want = naive(x.toArray() as number[][][], exclusive, reverse);
        got.flat(2).forEach((v, i) => expect(v).toBeCloseTo(want.flat(2)[i], 12));
        expectGradient((t) => gt.cumsum(t, 1, exclusive, reverse), [x]);
        expectGradient(firstGradient((t) => gt.cumsum(t.square(), 1, exclusive, reverse)), [x]);
      });
    }
  }
  it("refuses a missing axis", () => {
    expect(() => gt.cumsum(gt.ones([2, 3]), 2)).toThrow("cumsum: axis 2 is out of range for a tensor of rank 2; valid axes: [-2, 1]");
    expect(() => gt.cumsum(gt.tensor(3))).toThrow("cumsum: axis 0 is out of range for a tensor of rank 0");
  });

  it("refuses flags that are not booleans", () => {
    expect(() => gt.cumsum(gt.ones([3]), 0, "yes" as never)).toThrow('cumsum: exclusive must be true or false, got "yes"');
    expect(() => gt.cumsum(gt.ones([3]), 0, false, 1 as never)).toThrow("cumsum: reverse must be true or false, got 1");
  });
});
