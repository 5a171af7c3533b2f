import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BUNDLED_DIGIT_COUNTS,
  loadBundledDigits,
  MNIST_IMAGE_SIZE,
  type DigitSet,
} from "../../src/data/mnist-bundled.js";

// Label counts of the first 10,000 MNIST training images: what the package ships.
const EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe("loadBundledDigits", () => {
  let byClass: DigitSet;
  let interleaved: DigitSet;

  beforeAll(() => {
    byClass = loadBundledDigits();
    interleaved = loadBundledDigits({ order: "interleaved" });
  });

  it("loads 10,000 images of 784 pixels", () => {
    expect(byClass.count).toBe(10000);
    expect(byClass.images).toBeInstanceOf(Float32Array);
    expect(byClass.labels).toBeInstanceOf(Int32Array);
    expect(byClass.images.length).toBe(10000 * MNIST_IMAGE_SIZE);
    expect(byClass.labels.length).toBe(10000);
  });

  it("has pixels in [0, 1], each exactly a byte / 255, using the full range", () => {
    let min = Infinity;
    let max = -Infinity;
    let offGrid = 0;
    for (const v of byClass.images) {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v !== Math.fround(Math.round(v * 255) / 255)) offGrid++;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(offGrid).toBe(0);
  });

  it("has the exact per-class counts found in the package", () => {
    const counts = new Array<number>(10).fill(0);
    for (const l of byClass.labels) {
      expect(l >= 0 && l <= 9).toBe(true);
      counts[l]!++;
    }
    expect(counts).toEqual(EXPECTED_COUNTS);
    expect(BUNDLED_DIGIT_COUNTS).toEqual(EXPECTED_COUNTS);
  });

  it("orders by class by default", () => {
    let offset = 0;
    for (let d = 0; d < 10; d++) {
      expect(byClass.labels[offset]).toBe(d);
      offset += EXPECTED_COUNTS[d]!;
      expect(byClass.labels[offset - 1]).toBe(d);
    }
  });

  it("first '5' is MNIST training image 0 (pixel bytes sum to 27525)", () => {
    const first5 = EXPECTED_COUNTS.slice(0, 5).reduce((a, b) => a + b, 0);
    const img = byClass.images.subarray(first5 * MNIST_IMAGE_SIZE, (first5 + 1) * MNIST_IMAGE_SIZE);
    expect(img.reduce((s, v) => s + Math.round(v * 255), 0)).toBe(27525);
  });

  it("images look like digits: mostly dark background, some ink", () => {
    for (const i of [0, 4321, 9999]) {
      const img = byClass.images.subarray(i * MNIST_IMAGE_SIZE, (i + 1) * MNIST_IMAGE_SIZE);
      const ink = img.filter((v) => v > 0.5).length;
      expect(ink).toBeGreaterThan(20);
      expect(ink).toBeLessThan(400);
      // border pixels of MNIST images are background
      expect(img[0]).toBe(0);
      expect(img[783]).toBe(0);
    }
  });

  it("interleaved order is round-robin over classes and a permutation of by-class", () => {
    expect(Array.from(interleaved.labels.subarray(0, 20))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const first1000 = new Array<number>(10).fill(0);
    for (const l of interleaved.labels.subarray(0, 1000)) first1000[l]!++;
    expect(first1000).toEqual(new Array(10).fill(100));
    // image 1 of the interleaved set is image 0 of class 1 in the by-class set
    const a = interleaved.images.subarray(MNIST_IMAGE_SIZE, 2 * MNIST_IMAGE_SIZE);
    const b = byClass.images.subarray(1001 * MNIST_IMAGE_SIZE, 1002 * MNIST_IMAGE_SIZE);
    expect(a).toEqual(b);
    const pixelSum = (s: DigitSet) => s.images.reduce((acc, v) => acc + v, 0);
    expect(pixelSum(interleaved)).toBeCloseTo(pixelSum(byClass), 0);
  });

  it("is deterministic", () => {
    const again = loadBundledDigits();
    // Manual loops: toEqual on 7.8M-element typed arrays takes over a minute.
    let diff = 0;
    for (let i = 0; i < again.images.length; i++) if (again.images[i] !== byClass.images[i]) diff++;
    for (let i = 0; i < again.labels.length; i++) if (again.labels[i] !== byClass.labels[i]) diff++;
    expect(diff).toBe(0);
  });

  it("are the mnist package's digits, pixel for pixel and in its order", () => {
    // The package is a devDependency: the build embeds its digits as a gzipped IDX pair.
    const dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
    let offset = 0;
    let diff = 0;
    for (let d = 0; d < 10; d++) {
      const data = (JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")) as { data: number[] }).data;
      expect(data.length).toBe(EXPECTED_COUNTS[d]! * MNIST_IMAGE_SIZE);
      for (let i = 0; i < data.length; i++) if (byClass.images[offset + i] !== Math.fround(Math.round(data[i]! * 255) / 255)) diff++;
      offset += data.length;
    }
    expect(diff).toBe(0);
  });

  it("rejects an unknown order", () => {
    expect(() => loadBundledDigits({ order: "random" as "by-class" })).toThrow(/unknown order "random"/);
  });
});
