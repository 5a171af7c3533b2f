/**
 * Creating tensors: from values, filled, and random draws through seeded `seedrandom` generators.
 * @module
 */
import { checkOptionNames } from "../util/options.js";
import seedrandom from "seedrandom";
import { allocate, checkDType, dtypeOfArray, fitsInt32, int32Problem, type DType, type TypedArray } from "./dtype.js";
import { checkShape, fmt, sizeOf } from "./shape.js";
import { describe, Tensor, Variable, type NestedArray, type VariableOptions } from "./tensor.js";

/**
 * Makes a tensor from a number, nested arrays, a flat array or a typed array.
 *
 * @param values - the elements; nested arrays give the shape, a flat list needs `shape`.
 * @param shape - the shape, required to read a flat list as more than one dimension.
 * @param dtype - `'float32'` (default; a Float64Array or Int32Array gives its own dtype).
 * @throws Error for ragged nested arrays, a shape whose size differs from the number of values,
 * non-numeric values, or a non-integer value for `int32`.
 * @example
 * ```ts
 * gt.tensor([[1, 2], [3, 4]]);            // float32 [2, 2]
 * gt.tensor([1, 2, 3, 4], [2, 2], "int32");
 * ```
 */
export function tensor(values: number | NestedArray | ArrayLike<number>, shape?: readonly number[], dtype?: DType): Tensor {
  if (values instanceof Tensor) throw new Error("tensor: got a Tensor; tensors are immutable, use it directly");
  const type = dtype === undefined ? (ArrayBuffer.isView(values) ? dtypeOfArray(values as ArrayLike<number>) : "float32") : checkDType(dtype, "tensor");
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof values === "number") {
    flat = [values];
    inferred = [];
  } else if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    flat = values as ArrayLike<number>;
    inferred = [flat.length];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values);
    flat = inferred.length <= 1 ? (values as number[]) : (values as NestedArray[]).flat(Infinity as 1) as number[];
  } else {
    throw new Error(`tensor: values must be a number, an array or a typed array, got ${describe(values)}`);
  }
  const finalShape = shape === undefined ? inferred : checkShape(shape, "tensor");
  if (sizeOf(finalShape) !== flat.length) {
    throw new Error(`tensor: shape ${fmt(finalShape)} needs ${sizeOf(finalShape)} values but ${flat.length} were given`);
  }
  const buffer = allocate(type, flat.length);
  // A typed array of the same element type holds only valid values: copy it in one block.
  if (ArrayBuffer.isView(flat) && dtypeOfArray(flat) === type && (type !== "float32" || flat instanceof Float32Array)) {
    buffer.set(flat as ArrayLike<number>);
    return new Tensor(buffer, finalShape, type);
  }
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== "number") throw new Error(`tensor: value at flat index ${i} is not a number: ${describe(v)}`);
    if (type === "int32" && !fitsInt32(v)) throw new Error(`tensor: value ${v} at flat index ${i} ${int32Problem(v)}, but the dtype is int32`);
    buffer[i] = v;
  }
  return new Tensor(buffer, finalShape, type);
}

function inferShape(values: NestedArray[]): number[] {
  const shape: number[] = [values.length];
  let level: NestedArray = values;
  while (Array.isArray(level) && level.length > 0 && Array.isArray(level[0])) {
    level = level[0];
    shape.push(level.length);
  }
  const check = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new Error(`tensor: ragged nested array: ${path} is an array but the shape ${fmt(shape)} expects a number there`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`tensor: ragged nested array: ${path} has ${Array.isArray(v) ? `length ${v.length}` : "a number"}, expected length ${shape[dim]}`);
    }
    v.forEach((x, i) => check(x, dim + 1, `${path}[${i}]`));
  };
  check(values, 0, "values");
  return shape;
}

/** @internal Wraps a fresh typed array as a tensor of `shape` without checks or copies. */
export function fromValues(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(values, shape, dtype);
}

/**
 * A tensor of `shape` with every element `value`.
 * @example `gt.fill([2, 3], 0.5)`
 */
export function fill(shape: readonly number[], value: number, dtype: DType = "float32"): Tensor {
  return filled("fill", shape, value, dtype);
}

/** @internal {@link fill} with the name of the function the user called (zeros, ones), for messages. */
export function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  checkShape(shape, op);
  checkDType(dtype, op);
  if (typeof value !== "number") throw new Error(`${op}: value must be a number, got ${describe(value)}`);
  if (dtype === "int32" && !fitsInt32(value)) throw new Error(`${op}: value ${value} ${int32Problem(value)}, but the dtype is int32`);
  const buffer = allocate(dtype, sizeOf(shape), op, shape);
  // A new buffer holds +0 already; −0 must be written (−0 !== 0 is false).
  if (!Object.is(value, 0)) buffer.fill(value);
  return new Tensor(buffer, shape, dtype);
}

/** A tensor of zeros. @example `gt.zeros([2, 3])` */
export function zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
  return filled("zeros", shape, 0, dtype);
}

/** A tensor of ones. @example `gt.ones([2, 3], "float64")` */
export function ones(shape: readonly number[], dtype: DType = "float32"): Tensor {
  return filled("ones", shape, 1, dtype);
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`zerosLike: x must be a tensor, got ${describe(x)}`);
  return filled("zerosLike", x.shape, 0, x.dtype);
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`onesLike: x must be a tensor, got ${describe(x)}`);
  return filled("onesLike", x.shape, 1, x.dtype);
}

/** A seed for the random creation functions: the same seed gives the same numbers. */
export type Seed = number | string;

let globalRng: seedrandom.PRNG = seedrandom("gradtape");

/**
 * Reseeds the generator used by random functions called without a `seed`. Programs are
 * deterministic from the start (the default seed is fixed); call this to pick another stream.
 */
export function setRandomSeed(seed: Seed): void {
  if (seed === undefined) throw new Error("setRandomSeed: expected a seed (a number or a string), got undefined");
  globalRng = seedrandom(String(checkSeed("setRandomSeed", seed)));
}

/** @internal A seed: a finite number or a string (or undefined, for none), else an error naming `where`. */
export function checkSeed(where: string, seed: unknown): Seed | undefined {
  if (seed === undefined || typeof seed === "string" || (typeof seed === "number" && Number.isFinite(seed))) return seed;
  throw new Error(`${where}: seed must be a finite number or a string, got ${describe(seed)}`);
}

/** Throws for an options argument that is not an object or has a key outside `known`. */
function checkKeys(where: string, options: unknown, known: readonly string[]): void {
  checkOptionNames(where, options, known);
}

/** @internal A generator: a fresh one for an explicit seed, else the global stream. */
export function rng(seed: Seed | undefined): () => number {
  return seed === undefined ? globalRng : seedrandom(String(seed));
}

/** Options of {@link randomNormal}. */
export interface RandomNormalOptions {
  /** The mean of the distribution (default 0). */
  mean?: number;
  /** The standard deviation, >= 0 (default 1). */
  stddev?: number;
  /** Seed of the draw: the same seed gives the same numbers (default: the global stream, see {@link setRandomSeed}). */
  seed?: Seed;
  /** The dtype of the result (default `'float32'`). */
  dtype?: DType;
}

/**
 * Normally distributed values (Box–Muller over a seeded `seedrandom` generator), float32 or
 * float64.
 * @throws Error for a negative or non-finite stddev, a non-finite mean, or dtype int32.
 * @example `gt.randomNormal([784, 128], { stddev: 0.05, seed: 42 })`
 */
export function randomNormal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  checkKeys("randomNormal", options, ["mean", "stddev", "seed", "dtype"]);
  const { mean = 0, stddev = 1, seed, dtype = "float32" } = options;
  checkShape(shape, "randomNormal");
  checkSeed("randomNormal", seed);
  finite("randomNormal", { mean, stddev });
  if (stddev < 0) throw new Error(`randomNormal: stddev must be >= 0, got ${stddev}`);
  // As TensorFlow: normal draws are real numbers, and truncating them would bias every one toward 0.
  if (dtype === "int32") throw new Error("randomNormal: dtype 'int32' is not supported: normal draws are real numbers; draw float32 or float64 and round them yourself if you need integers");
  const next = rng(seed);
  const buffer = allocate(checkDType(dtype, "randomNormal"), sizeOf(shape), "randomNormal", shape);
  for (let i = 0; i < buffer.length; i += 2) {
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    buffer[i] = mean + stddev * r * Math.cos(theta);
    if (i + 1 < buffer.length) buffer[i + 1] = mean + stddev * r * Math.sin(theta);
  }
  return new Tensor(buffer, shape, dtype);
}

/** Options of {@link randomUniform}. */
export interface RandomUniformOptions {
  /** The lower bound, included (default 0). */
  minval?: number;
  /** The upper bound, excluded; must be greater than `minval` (default 1). */
  maxval?: number;
  /** Seed of the draw: the same seed gives the same numbers (default: the global stream, see {@link setRandomSeed}). */
  seed?: Seed;
  /** The dtype of the result (default `'float32'`). */
  dtype?: DType;
}

/**
 * Uniformly distributed values in `[minval, maxval)` (for int32: each integer in that range
 * equally likely; the bounds must then be integers).
 * @throws Error for bounds that are not finite or not increasing, or fractional bounds with int32.
 * @example `gt.randomUniform([3], { minval: -1, maxval: 1, seed: 7 })`
 */
export function randomUniform(shape: readonly number[], options: RandomUniformOptions = {}): Tensor {
  checkKeys("randomUniform", options, ["minval", "maxval", "seed", "dtype"]);
  const { minval = 0, maxval = 1, seed, dtype = "float32" } = options;
  checkShape(shape, "randomUniform");
  checkSeed("randomUniform", seed);
  finite("randomUniform", { minval, maxval });
  if (!(maxval > minval)) throw new Error(`randomUniform: maxval (${maxval}) must be greater than minval (${minval})`);
  // As TensorFlow: integer draws take integer bounds, each integer in [minval, maxval) equally likely.
  if (dtype === "int32" && !(fitsInt32(minval) && fitsInt32(maxval - 1))) {
    throw new Error(`randomUniform: with dtype 'int32', minval and maxval must be integers in the int32 range, got minval ${minval} and maxval ${maxval}`);
  }
  const next = rng(seed);
  const buffer = allocate(checkDType(dtype, "randomUniform"), sizeOf(shape), "randomUniform", shape);
  const span = maxval - minval;
  for (let i = 0; i < buffer.length; i++) {
    const v = minval + span * next();
    buffer[i] = dtype === "int32" ? Math.floor(v) : v;
  }
  return new Tensor(buffer, shape, dtype);
}

function finite(where: string, args: Record<string, number>): void {
  for (const [k, v] of Object.entries(args)) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}: ${k} must be a finite number, got ${String(v)}`);
  }
}

/** tensor() for {@link variable}, whose messages name variable and its argument. */
function lifted(initial: number | NestedArray | ArrayLike<number>, dtype: DType | undefined): Tensor {
  try {
    return tensor(initial, undefined, dtype);
  } catch (e) {
    throw new Error(`variable: initial is not a valid tensor: ${(e as Error).message}`);
  }
}

/**
 * Makes a {@link Variable}: a tensor whose value optimizers replace with `assign`.
 * @example
 * ```ts
 * const w = gt.variable(gt.zeros([3]), { name: "w" });
 * w.assign(gt.ones([3]));
 * ```
 */
export function variable(initial: Tensor | number | NestedArray | ArrayLike<number>, options: VariableOptions & { dtype?: DType } = {}): Variable {
  checkKeys("variable", options, ["name", "trainable", "dtype"]);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) throw new Error(`variable: name must be a non-empty string, got ${describe(options.name)}`);
  if (options.trainable !== undefined && typeof options.trainable !== "boolean") throw new Error(`variable: trainable must be true or false, got ${describe(options.trainable)}`);
  if (!(initial instanceof Tensor) && typeof initial !== "number" && !Array.isArray(initial) && !ArrayBuffer.isView(initial)) {
    throw new Error(`variable: initial must be a tensor, a number or an array, got ${describe(initial)}`);
  }
  const value = initial instanceof Tensor ? initial : lifted(initial, options.dtype);
  if (options.dtype !== undefined && value.dtype !== options.dtype) {
    throw new Error(`variable: the initial value is ${value.dtype} but dtype ${options.dtype} was asked for; cast it first`);
  }
  return new Variable(value, options);
}
