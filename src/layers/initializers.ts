/**
 * Weight initializers, with Keras' formulas and defaults. Every one draws from a seeded
 * `seedrandom` generator: the same seed gives the same weights; without a seed the draws come
 * from the global stream (`gt.setRandomSeed`), so programs are still repeatable from the start.
 *
 * Fans follow Keras: for a kernel `[inputDim, units]` fanIn is inputDim and fanOut is units; for
 * a vector both are its length; for higher ranks the leading dimensions are a receptive field.
 * @module
 */
import { checkOptionNames } from "../util/options.js";
import { allocate, checkAllocation, checkDType, type DType } from "../tensor/dtype.js";
import { filled, fromValues, randomNormal as normalDraw, randomUniform as uniformDraw, rng, type Seed } from "../tensor/create.js";
import { checkShape, sizeOf } from "../tensor/shape.js";
import { describe, type Tensor } from "../tensor/tensor.js";
import { camelCase } from "./options.js";

/** Options every initializer takes. */
export interface InitializerOptions {
  /** The seed of the draw; the same seed gives the same values. */
  seed?: Seed;
  /** The dtype of the result (default `'float32'`). */
  dtype?: DType;
}

/** A function that makes the initial value of a weight of `shape`. */
export type Initializer = (shape: readonly number[], options?: InitializerOptions) => Tensor;

/** The initializers that can be named in a layer's options. */
export type InitializerName = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal" | "zeros" | "ones" | "randomNormal" | "randomUniform" | "orthogonal";

/**
 * An initializer by name, or by name with parameters (`{ name: 'randomNormal', stddev: 0.1 }`).
 * Both forms are plain JSON, so a layer's config can be saved and rebuilt.
 */
export type InitializerSpec =
  | InitializerName
  | {
      /** Which initializer. */
      name: InitializerName;
      /** The mean, for `'randomNormal'`. */
      mean?: number;
      /** The standard deviation, for `'randomNormal'`. */
      stddev?: number;
      /** The lower bound, for `'randomUniform'`. */
      minval?: number;
      /** The upper bound, for `'randomUniform'`. */
      maxval?: number;
      /** The multiplier, for `'orthogonal'`. */
      gain?: number;
    };

/** `1/0.8796…`: the standard deviation of a unit normal truncated to ±2, inverted (Keras' constant). */
const TRUNCATION_CORRECTION = 0.87962566103423978;

/**
 * The fans of a weight shape, as Keras computes them.
 * @throws Error when `shape` is not a list of non-negative integers.
 * @example `computeFans([784, 128]) // { fanIn: 784, fanOut: 128 }`
 */
export function computeFans(shape: readonly number[]): {
  /** The number of inputs each output unit sums over. */
  fanIn: number;
  /** The number of outputs each input feeds. */
  fanOut: number;
} {
  checkShape(shape, "computeFans");
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/**
 * Uniform in `[-limit, limit]` with `limit = sqrt(6 / (fanIn + fanOut))` (Glorot & Bengio, 2010);
 * the default kernel initializer of a dense layer.
 * @example `gt.initializers.glorotUniform([784, 128], { seed: 1 })`
 */
export function glorotUniform(shape: readonly number[], options: InitializerOptions = {}): Tensor {
  checkOptionNames("glorotUniform", options, ["seed", "dtype"]);
  checkSize("glorotUniform", shape, options.dtype);
  const { fanIn, fanOut } = computeFans(shape);
  return symmetricUniform(shape, Math.sqrt(6 / Math.max(1, fanIn + fanOut)), options);
}

/**
 * Truncated normal with standard deviation `sqrt(2 / (fanIn + fanOut))`: as Keras, draws beyond
 * two standard deviations are redrawn, and the scale is corrected so the truncated values keep
 * that standard deviation.
 * @example `gt.initializers.glorotNormal([784, 128], { seed: 1 })`
 */
export function glorotNormal(shape: readonly number[], options: InitializerOptions = {}): Tensor {
  checkOptionNames("glorotNormal", options, ["seed", "dtype"]);
  checkSize("glorotNormal", shape, options.dtype);
  const { fanIn, fanOut } = computeFans(shape);
  return truncatedNormal(shape, Math.sqrt(2 / Math.max(1, fanIn + fanOut)) / TRUNCATION_CORRECTION, options);
}

/**
 * Uniform in `[-limit, limit]` with `limit = sqrt(6 / fanIn)` (He et al., 2015), for ReLU layers.
 * @example `gt.initializers.heUniform([784, 128], { seed: 1 })`
 */
export function heUniform(shape: readonly number[], options: InitializerOptions = {}): Tensor {
  checkOptionNames("heUniform", options, ["seed", "dtype"]);
  checkSize("heUniform", shape, options.dtype);
  const { fanIn } = computeFans(shape);
  return symmetricUniform(shape, Math.sqrt(6 / Math.max(1, fanIn)), options);
}

/**
 * Truncated normal with standard deviation `sqrt(2 / fanIn)` (Keras' `he_normal`).
 * @example `gt.initializers.heNormal([784, 128], { seed: 1 })`
 */
export function heNormal(shape: readonly number[], options: InitializerOptions = {}): Tensor {
  checkOptionNames("heNormal", options, ["seed", "dtype"]);
  checkSize("heNormal", shape, options.dtype);
  const { fanIn } = computeFans(shape);
  return truncatedNormal(shape, Math.sqrt(2 / Math.max(1, fanIn)) / TRUNCATION_CORRECTION, options);
}

/** All zeros (the default bias initializer). @example `gt.initializers.zeros([10])` */
export function zeros(shape: readonly number[], options: InitializerOptions = {}): Tensor {
  checkOptionNames("zeros", options, ["seed", "dtype"]);
  return filled("zeros", shape, 0, options.dtype ?? "float32");
}

/** All ones. @example `gt.initializers.ones([10])` */
export function ones(shape: readonly number[], options: InitializerOptions = {}): Tensor {
  checkOptionNames("ones", options, ["seed", "dtype"]);
  return filled("ones", shape, 1, options.dtype ?? "float32");
}

/**
 * Normal draws with Keras' defaults `mean = 0`, `stddev = 0.05`.
 * @example `gt.initializers.randomNormal([3, 3], { stddev: 0.1, seed: 2 })`
 */
export function randomNormal(shape: readonly number[], options: InitializerOptions & { mean?: number; stddev?: number } = {}): Tensor {
  checkOptionNames("randomNormal", options, ["seed", "dtype", "mean", "stddev"]);
  const { mean = 0, stddev = 0.05, seed, dtype = "float32" } = options;
  return normalDraw(shape, { mean, stddev, seed, dtype });
}

/**
 * Uniform draws in `[minval, maxval)` with Keras' defaults `-0.05` and `0.05`.
 * @example `gt.initializers.randomUniform([3, 3], { minval: -1, maxval: 1, seed: 2 })`
 */
export function randomUniform(shape: readonly number[], options: InitializerOptions & { minval?: number; maxval?: number } = {}): Tensor {
  checkOptionNames("randomUniform", options, ["seed", "dtype", "minval", "maxval"]);
  const { minval = -0.05, maxval = 0.05, seed, dtype = "float32" } = options;
  return uniformDraw(shape, { minval, maxval, seed, dtype });
}

/**
 * A random orthogonal matrix times `gain` (Keras' `Orthogonal`, the default recurrent kernel of
 * its RNN layers): the Q of a QR factorization of standard normal draws, with the signs that make
 * R's diagonal positive, so Q is uniformly distributed. A shape of rank > 2 is flattened to
 * `[product of all but the last, last]`; with fewer rows than columns the rows are orthonormal,
 * otherwise the columns are.
 * @throws Error for a shape of rank below 2.
 * @example `gt.initializers.orthogonal([16, 64], { seed: 1 })` has orthonormal rows.
 */
export function orthogonal(shape: readonly number[], options: InitializerOptions & { gain?: number } = {}): Tensor {
  checkOptionNames("orthogonal", options, ["seed", "dtype", "gain"]);
  checkSize("orthogonal", shape, options.dtype);
  if (shape.length < 2) throw new Error(`orthogonal: the shape must have at least two dimensions, got [${shape.join(", ")}]`);
  const { gain = 1, seed, dtype = "float32" } = options;
  if (typeof gain !== "number" || !Number.isFinite(gain)) throw new Error(`orthogonal: gain must be a finite number, got ${JSON.stringify(gain)}`);
  const rows = sizeOf(shape.slice(0, -1)), cols = shape[shape.length - 1];
  const tall = rows >= cols;
  const n = tall ? rows : cols, m = tall ? cols : rows;
  checkAllocation("orthogonal", n * m, "float64", [n, m]);
  const q = orthonormalColumns(normalDraw([n, m], { seed, dtype: "float64" }).data() as Float64Array, n, m);
  const out = allocate(dtype, rows * cols, "orthogonal", shape);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[i * m + j] : q[j * m + i]);
  return fromValues(out, shape, dtype);
}

/**
 * Gram–Schmidt on the columns of the row-major n×m matrix `a` (n ≥ m), in place. Each column is
 * orthogonalized twice ("twice is enough": the second pass removes what rounding left of the
 * first), and dividing by its positive norm is the sign choice that makes R's diagonal positive.
 */
function orthonormalColumns(a: Float64Array, n: number, m: number): Float64Array {
  for (let j = 0; j < m; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i * m + k] * a[i * m + j];
        for (let i = 0; i < n; i++) a[i * m + j] -= dot * a[i * m + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i * m + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[i * m + j] /= norm;
  }
  return a;
}

const BY_NAME: Record<InitializerName, Initializer> = { glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, randomNormal, randomUniform, orthogonal };

/** The names {@link getInitializer} knows. */
export const INITIALIZER_NAMES = Object.keys(BY_NAME) as InitializerName[];

/**
 * Resolves a name (Keras' snake_case spellings such as `'glorot_uniform'` are accepted) or a
 * `{ name, ...parameters }` object to an initializer.
 * @throws Error listing the known names when the name is unknown.
 * @example `gt.initializers.getInitializer('he_normal')([784, 128], { seed: 3 })`
 */
export function getInitializer(spec: InitializerSpec): Initializer {
  return initializerOf("getInitializer", spec);
}

/** @internal {@link getInitializer} with the name of the function the user called, for the message. */
export function initializerOf(where: string, spec: InitializerSpec): Initializer {
  const name = typeof spec === "string" ? spec : spec !== null && typeof spec === "object" ? spec.name : undefined;
  const key = typeof name === "string" ? camelCase(name) : undefined;
  if (key === undefined || !Object.hasOwn(BY_NAME, key)) {
    throw new Error(`${where}: unknown initializer ${describeSpec(name ?? spec)}; known initializers: ${INITIALIZER_NAMES.join(", ")}`);
  }
  const init = BY_NAME[key as InitializerName];
  if (typeof spec === "string") return init;
  const { name: _, ...params } = spec;
  return (shape, options = {}) => (init as (s: readonly number[], o: object) => Tensor)(shape, { ...params, ...options });
}

/** A spec for the message: JSON for names and plain objects, the kind for anything else (a tensor's JSON is its buffer). */
function describeSpec(spec: unknown): string {
  const plain = spec === null || typeof spec !== "object" || Array.isArray(spec) || Object.getPrototypeOf(spec) === Object.prototype;
  return plain && typeof spec !== "function" ? (JSON.stringify(spec) ?? String(spec)).slice(0, 80) : describe(spec);
}

/**
 * Checks the shape an initializer draws and that its tensor can be allocated, before any draw:
 * the message names the initializer, not the draw it delegates to.
 */
function checkSize(where: string, shape: readonly number[], dtype: DType | undefined): void {
  checkShape(shape, where);
  checkAllocation(where, sizeOf(shape), checkDType(dtype ?? "float32", where), shape);
}

function symmetricUniform(shape: readonly number[], limit: number, options: InitializerOptions): Tensor {
  return uniformDraw(shape, { minval: -limit, maxval: limit, seed: options.seed, dtype: options.dtype ?? "float32" });
}

/** Normal draws (Box–Muller) redrawn until they fall within two standard deviations. */
function truncatedNormal(shape: readonly number[], stddev: number, options: InitializerOptions): Tensor {
  const dtype = options.dtype ?? "float32";
  const next = rng(options.seed);
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    let z: number;
    do z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    while (Math.abs(z) > 2);
    out[i] = z * stddev;
  }
  return fromValues(out, shape, dtype);
}
