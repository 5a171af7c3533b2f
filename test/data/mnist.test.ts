import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("loadMnist from the bundled digits", () => {
  const { train, test } = gt.data.loadMnist();
  it("splits 10,000 digits into 8,000 train and 2,000 test, float32 [n, 784] in [0, 1] and int32 labels", () => {
    expect([train.x.shape, train.x.dtype, train.y.shape, train.y.dtype]).toEqual([[8000, 784], "float32", [8000], "int32"]);
    expect([test.x.shape, test.y.shape]).toEqual([[2000, 784], [2000]]);
    expect(train.x.min().item()).toBe(0);
    expect(train.x.max().item()).toBe(1);
    const counts = new Array(10).fill(0);
    for (const split of [train, test]) for (const v of split.y.data()) counts[v]++;
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // Every class appears in the held-out set in a plausible share.
    const testCounts = new Array(10).fill(0);
    for (const v of test.y.data()) testCounts[v]++;
    expect(Math.min(...testCounts)).toBeGreaterThan(120);
  });
  it("is deterministic per seed, and sizes pick subsets", () => {
    const again = gt.data.loadMnist({ trainSize: 100, testSize: 50 });
    expect(again.train.y.data()).toEqual(train.y.slice([0], [100]).data());
    expect(again.test.x.shape).toEqual([50, 784]);
    const other = gt.data.loadMnist({ seed: 1, trainSize: 100 });
    expect(other.train.y.data()).not.toEqual(again.train.y.data());
    expect(() => gt.data.loadMnist({ trainSize: 9000 })).toThrow("loadMnist: trainSize 9000 is more than the 8000 bundled digits hold");
    expect(() => gt.data.loadMnist({ testSize: 0 })).toThrow("loadMnist: testSize must be a positive integer, got 0");
  });
});

describe("loadMnist from IDX files and readIdx", () => {
  const write = (gz: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), "gt-mnist-"));
    const make = (n: number, offset: number) => {
      const pixels = Array.from({ length: n * 784 }, (_, i) => (i * 7 + offset) % 256);
      const labels = Array.from({ length: n }, (_, i) => (i + offset) % 10);
      return [gt.data.encodeIdx(pixels, [n, 28, 28], "uint8"), gt.data.encodeIdx(labels, [n], "uint8")];
    };
    const files: [string, Uint8Array][] = [];
    const [ti, tl] = make(30, 0);
    const [ei, el] = make(12, 3);
    files.push(["train-images-idx3-ubyte", ti], ["train-labels-idx1-ubyte", tl], ["t10k-images-idx3-ubyte", ei], ["t10k-labels-idx1-ubyte", el]);
    for (const [name, bytes] of files) writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
    return dir;
  };
  for (const gz of [false, true]) {
    it(`reads the four standard files (${gz ? "gzipped" : "plain"})`, () => {
      const { train, test } = gt.data.loadMnist({ dir: write(gz) });
      expect(train.x.shape).toEqual([30, 784]);
      expect(test.y.toArray()).toEqual([3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
      expect(train.x.data()[1]).toBe(Math.fround(7 / 255));
      expect(test.x.data()[0]).toBe(Math.fround(3 / 255));
    });
  }
  it("names a missing file", () => {
    const dir = mkdtempSync(join(tmpdir(), "gt-empty-"));
    expect(() => gt.data.loadMnist({ dir })).toThrow(/loadMnist: none of these files exists: .*train-images-idx3-ubyte/);
  });
  it("readIdx makes int32 tensors of integer files and keeps float types", () => {
    const ints = gt.data.readIdx(gt.data.encodeIdx([1, -2, 300], [3], "int16"));
    expect([ints.dtype, ints.toArray()]).toEqual(["int32", [1, -2, 300]]);
    const floats = gt.data.readIdx(gt.data.encodeIdx([0.5, 1.5], [2, 1], "float64"));
    expect([floats.dtype, floats.toArray()]).toEqual(["float64", [[0.5], [1.5]]]);
    expect(() => gt.data.readIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(/offset 0/);
  });
});
