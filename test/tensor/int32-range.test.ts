// int32 never wraps around in silence: values outside [−2³¹, 2³¹ − 1] are refused where they
// enter (with the value and its index), integer reductions are exact or refused, and random draws
// in int32 are integers in the asked range or refused.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const i32 = (v: gt.NestedArray) => gt.tensor(v, undefined, "int32");
const MAX = 2 ** 31 - 1;
const MIN = -(2 ** 31);

describe("values entering int32", () => {
  it("are refused outside the range, naming the value and its index", () => {
    expect(() => i32([1, 2 ** 31])).toThrow("tensor: value 2147483648 at flat index 1 is outside the int32 range [-2147483648, 2147483647], but the dtype is int32");
    expect(() => gt.tensor(new Float64Array([0, 0, -(2 ** 31) - 1]), [3], "int32")).toThrow("tensor: value -2147483649 at flat index 2 is outside the int32 range");
    expect(() => gt.tensor(new Uint32Array([4e9]), [1], "int32")).toThrow("tensor: value 4000000000 at flat index 0 is outside the int32 range");
    expect(() => gt.fill([2], 2 ** 32, "int32")).toThrow("fill: value 4294967296 is outside the int32 range [-2147483648, 2147483647], but the dtype is int32");
    expect(() => gt.range(MAX - 1, MAX + 2, 1, "int32")).toThrow("range: the values from 2147483646 to 2147483648 do not fit in int32");
    expect(() => gt.tensor([NaN], [1]).cast("int32")).toThrow("cast: value NaN at flat index 0 has no int32 value");
    expect(() => gt.tensor([1, 3e9], [2], "float64").cast("int32")).toThrow("cast: value 3000000000 at flat index 1 has no int32 value");
  });
  it("the ends of the range are kept exactly", () => {
    expect(i32([MIN, MAX]).toArray()).toEqual([MIN, MAX]);
    expect(gt.tensor([MIN - 0.5, MAX + 0.5], [2], "float64").cast("int32").toArray()).toEqual([MIN, MAX]);
  });
  it("a plain integer too large for int32 beside an int32 tensor makes both float32, as a fraction does", () => {
    const r = i32([1, 2]).add(3e9);
    expect(r.dtype).toBe("float32");
    expect(r.toArray()).toEqual([3000000001, 3000000002].map(Math.fround));
  });
});

describe("int32 reductions are exact or refused, never wrapped", () => {
  const big = i32([MAX, MAX, 2]);
  it("sum", () => {
    expect(() => gt.sum(big)).toThrow("sum: the int32 result 4294967296 at flat index 0 does not fit in int32 [-2147483648, 2147483647] and would wrap around; cast the input with .cast('float64') first");
    expect(gt.sum(big.cast("float64")).item()).toBe(4294967296);
    // Partial sums may leave the range as long as the result fits: the accumulation is float64.
    expect(gt.sum(i32([MAX, MAX, -MAX])).item()).toBe(MAX);
    expect(() => gt.sum(i32([[MAX, 1], [1, 2]]), 0)).toThrow("sum: the int32 result 2147483648 at flat index 0");
  });
  it("prod", () => {
    expect(() => gt.prod(i32([65536, 65536]))).toThrow("prod: the int32 result 4294967296 at flat index 0 does not fit in int32");
    expect(gt.prod(i32([46340, 46340])).item()).toBe(46340 * 46340);
    expect(gt.prod(i32([[3, 5], [-7, 11]]), 1).toArray()).toEqual([15, -77]);
    expect(gt.prod(i32([65536, 65536, 0])).item()).toBe(0);
    expect(gt.prod(i32([2, 3]), 0, true).dtype).toBe("int32");
  });
  it("cumsum", () => {
    expect(() => gt.cumsum(i32([MAX, 1, -5]))).toThrow("cumsum: the int32 result 2147483648 at flat index 1 does not fit in int32");
    expect(gt.cumsum(i32([MAX, -1, 1])).toArray()).toEqual([MAX, MAX - 1, MAX]);
    expect(gt.cumsum(i32([1, 2, 3]), 0, true, true).toArray()).toEqual([5, 3, 0]);
  });
});

describe("random draws in int32", () => {
  it("randomNormal refuses int32 (as TensorFlow), instead of truncating every draw toward 0", () => {
    expect(() => gt.randomNormal([3], { dtype: "int32", seed: 1 })).toThrow("randomNormal: dtype 'int32' is not supported: normal draws are real numbers");
  });
  it("randomUniform draws each integer of [minval, maxval) about equally often, and needs integer bounds", () => {
    const draws = gt.randomUniform([6000], { minval: -2, maxval: 1, dtype: "int32", seed: 5 });
    expect(draws.dtype).toBe("int32");
    const counts = new Map<number, number>();
    for (const v of draws.data()) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([-1, -2, 0]);
    for (const c of counts.values()) expect(Math.abs(c - 2000)).toBeLessThan(150);
    expect(() => gt.randomUniform([2], { minval: 0.5, maxval: 3, dtype: "int32" })).toThrow(
      "randomUniform: with dtype 'int32', minval and maxval must be integers in the int32 range, got minval 0.5 and maxval 3",
    );
    expect(() => gt.randomUniform([2], { minval: 0, maxval: 2 ** 32, dtype: "int32" })).toThrow(/must be integers in the int32 range/);
  });
});

describe("axis, begin, size and paddings of the wrong kind", () => {
  const x = gt.ones([2, 3]);
  it("sum(x, null) is every axis (NumPy's axis=None); a string axis is named as such", () => {
    expect(gt.sum(x, null as unknown as number).item()).toBe(6);
    expect(() => gt.sum(x, "0" as unknown as number)).toThrow('sum: axis must be an integer, a list of integers, or undefined for all axes, got the string "0"');
    expect(() => gt.softmax(x, "-1" as unknown as number)).toThrow('softmax: axis must be an integer, got the string "-1"');
  });
  it("slice and pad without their arguments", () => {
    expect(() => x.slice(undefined as unknown as number)).toThrow("slice: begin must be an integer or a list of integers, got undefined");
    expect(() => gt.pad(x, undefined as unknown as [number, number][])).toThrow("pad: paddings undefined must hold one [before, after] pair");
  });
  it("conv2dBackpropInput with a NaN in inputShape, and min with a bad axis, name themselves", () => {
    expect(() => gt.conv2dBackpropInput([1, NaN, 3, 1], gt.ones([1, 1, 1, 1]), gt.ones([2, 2, 1, 1]))).toThrow(
      "conv2dBackpropInput: inputShape: shape [1,null,3,1] has an invalid dimension NaN",
    );
    expect(() => gt.min(x, x as unknown as number)).toThrow("min: axis must be an integer, a list of integers, or undefined for all axes, got an object (Tensor)");
  });
});
