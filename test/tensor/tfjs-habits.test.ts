// TF.js' names on tensors: dataSync (= data), arraySync (= toArray), print (toString to the console).
import { afterEach, describe, expect, it, vi } from "vitest";
import * as gt from "../../src/index.js";

afterEach(() => vi.restoreAllMocks());

/** What `fn` writes to console.log, one string per call. */
function logged(fn: () => void): string[] {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  fn();
  return lines;
}

describe("TF.js habits", () => {
  it("dataSync is data: a new row-major typed array of the tensor's dtype, even for views", () => {
    const t = gt.tensor([[1, 2], [3, 4]]);
    const d = t.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
    d[0] = 99; // the caller owns it
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(Array.from(t.transpose().dataSync())).toEqual([1, 3, 2, 4]);
    expect(gt.tensor([1, 2], [2], "int32").dataSync()).toBeInstanceOf(Int32Array);
    expect(gt.tensor([0.1], [1], "float64").dataSync()[0]).toBe(0.1);
  });

  it("arraySync is toArray: nested arrays, a number for rank 0", () => {
    expect(gt.tensor([[1, 2], [3, 4]]).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(gt.tensor(7).arraySync()).toBe(7);
    expect(gt.zeros([2, 0]).arraySync()).toEqual([[], []]);
    expect(gt.tensor([[1, 2], [3, 4]]).transpose().arraySync()).toEqual([[1, 3], [2, 4]]);
  });

  it("print writes toString to console.log", () => {
    const t = gt.tensor([[1, 2.5], [3, 4]]);
    expect(logged(() => t.print())).toEqual(["Tensor float32 [2, 2]\n[[1, 2.5],\n [3, 4]]"]);
    expect(logged(() => gt.tensor(3, [], "int32").print())).toEqual(["Tensor int32 []\n3"]);
  });

  it("print(true) adds dtype, rank and shape, as TF.js' verbose print", () => {
    expect(logged(() => gt.tensor([[1, 2.5], [3, 4]]).print(true))).toEqual([
      "Tensor\n  dtype: float32\n  rank: 2\n  shape: [2, 2]\n  values:\n    [[1, 2.5],\n     [3, 4]]",
    ]);
  });
});
