// Dataset.shuffle in both spellings — TF.js' shuffle(bufferSize, seed?, reshuffleEachIteration?)
// and shuffle({ bufferSize?, seed?, reshuffleEachIteration? }) — and TF.js' batch(n, smallLastBatch).
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { windowShuffle } from "../../src/util/shuffle.js";

const n = 40;
const y = gt.tensor(Array.from({ length: n }, (_, i) => i), [n], "int32");
const order = (ds: gt.data.Dataset<gt.Tensor>) => ds.toArray().map((t) => t.item());
const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
const identity = Array.from({ length: n }, (_, i) => i);

describe("Dataset.shuffle", () => {
  it("TF.js' shuffle(bufferSize, seed) is shuffle({ bufferSize, seed }), deterministic per seed", () => {
    const a = order(gt.data.fromTensorSlices(y).shuffle(8, 5));
    expect(a).toEqual(order(gt.data.fromTensorSlices(y).shuffle({ bufferSize: 8, seed: 5 })));
    expect(sorted(a)).toEqual(identity);
    expect(a).not.toEqual(identity);
    expect(order(gt.data.fromTensorSlices(y).shuffle(8, 6))).not.toEqual(a);
    expect(order(gt.data.fromTensorSlices(y).shuffle(8, "5"))).toEqual(a); // seeds are strings inside, as everywhere
  });

  it("a buffer at least the dataset's size shuffles everything, as no bufferSize does", () => {
    const all = order(gt.data.fromTensorSlices(y).shuffle({ seed: 0 }));
    expect(order(gt.data.fromTensorSlices(y).shuffle(256, 0))).toEqual(all);
    expect(order(gt.data.fromTensorSlices(y).shuffle(n, 0))).toEqual(all);
    expect(order(gt.data.fromTensorSlices(y).shuffle())).toEqual(all); // seed 0 by default
  });

  it("a small buffer moves an element at most bufferSize - 1 places earlier, as TF.js' buffer does", () => {
    for (const size of [1, 2, 8]) {
      const a = order(gt.data.fromTensorSlices(y).shuffle(size, 1));
      expect(sorted(a)).toEqual(identity);
      a.forEach((v, at) => expect(v, `bufferSize ${size}: ${v} at ${at}`).toBeLessThanOrEqual(at + size - 1));
    }
    expect(order(gt.data.fromTensorSlices(y).shuffle(1, 1))).toEqual(identity);
  });

  it("the buffered shuffle is the one algorithm: fill, emit one at random, refill its place", () => {
    // draws 0.99, 0, 0.5: buffer [a, b] → emit b, refill c: [a, c] → emit a: [d, c] → emit c (0.5·2 = 1), ...
    const draws = [0.99, 0, 0.5, 0, 0];
    let k = 0;
    expect([...windowShuffle(["a", "b", "c", "d", "e"][Symbol.iterator](), 2, () => draws[k++])]).toEqual(["b", "a", "c", "d", "e"]);
  });

  it("reshuffles each pass unless reshuffleEachIteration is false", () => {
    const each = gt.data.fromTensorSlices(y).shuffle(8, 2);
    expect(order(each)).not.toEqual(order(each));
    const fixed = gt.data.fromTensorSlices(y).shuffle(8, 2, false);
    const first = order(fixed);
    expect(order(fixed)).toEqual(first);
    expect(first).toEqual(order(gt.data.fromTensorSlices(y).shuffle(8, 2)));
    const fixedAll = gt.data.fromTensorSlices(y).shuffle({ seed: 3, reshuffleEachIteration: false });
    expect(order(fixedAll)).toEqual(order(fixedAll));
  });

  it("streams (after map or batch) shuffle lazily with a buffer, or whole without one", () => {
    let read = 0;
    const stream = gt.data.fromTensorSlices(y).map((t) => (read++, t));
    const it = stream.shuffle(4, 0)[Symbol.iterator]();
    it.next();
    expect(read).toBe(5); // the buffer of 4, plus the one that took the emitted element's place
    const whole = order(stream.shuffle({ seed: 1 }));
    expect(sorted(whole)).toEqual(identity);
    const batches = gt.data.fromTensorSlices(y).batch(10).shuffle(2, 0).toArray();
    expect(batches.map((b) => b.shape[0])).toEqual([10, 10, 10, 10]);
    expect(sorted(batches.flatMap((b) => Array.from(b.data())))).toEqual(identity);
  });

  it("refuses what it cannot mean, naming the argument", () => {
    const ds = gt.data.fromTensorSlices(y);
    expect(() => ds.shuffle(0)).toThrow("Dataset.shuffle: bufferSize must be a positive integer, got 0");
    expect(() => ds.shuffle(2.5)).toThrow("Dataset.shuffle: bufferSize must be a positive integer, got 2.5");
    expect(() => ds.shuffle({ bufferSize: -1 })).toThrow("Dataset.shuffle: bufferSize must be a positive integer, got -1");
    expect(() => ds.shuffle(8, {} as never)).toThrow("Dataset.shuffle: seed must be a finite number or a string, got");
    expect(() => ds.shuffle(8, 0, "no" as never)).toThrow("Dataset.shuffle: reshuffleEachIteration must be true or false");
    expect(() => ds.shuffle({ seed: 1 }, 2)).toThrow("Dataset.shuffle: with an options object, pass the seed in it");
    expect(() => ds.shuffle({ buffer_size: 8 } as never)).toThrow("Dataset.shuffle: unknown option 'buffer_size' (did you mean 'bufferSize'?); known options: bufferSize, seed, reshuffleEachIteration");
    expect(() => ds.shuffle("8" as never)).toThrow("Dataset.shuffle: options must be an object such as { bufferSize: ... }, got");
  });
});

describe("Dataset.batch", () => {
  it("takes TF.js' smallLastBatch boolean as well as { dropRemainder }", () => {
    const ds = gt.data.fromTensorSlices(y);
    expect(ds.batch(16).toArray().map((b) => b.shape[0])).toEqual([16, 16, 8]);
    expect(ds.batch(16, true).toArray().map((b) => b.shape[0])).toEqual([16, 16, 8]);
    expect(ds.batch(16, false).toArray().map((b) => b.shape[0])).toEqual([16, 16]);
    expect(ds.batch(16, { dropRemainder: true }).toArray().map((b) => b.shape[0])).toEqual([16, 16]);
    expect(() => ds.batch(16, { drop_remainder: true } as never)).toThrow("Dataset.batch: unknown option 'drop_remainder' (did you mean 'dropRemainder'?); known options: dropRemainder");
    expect(() => ds.batch(16, { dropRemainder: "yes" } as never)).toThrow("Dataset.batch: dropRemainder must be true or false, got");
  });
});
