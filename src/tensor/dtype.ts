/**
 * Element types and the typed arrays behind them.
 *
 * The dtype rules, in one place:
 * - `float32` (the default), `float64` and `int32`.
 * - float32 and float64 never mix silently: a binary op given one of each throws and names both,
 *   because a quiet promotion would hide a lost digit or a doubled memory bill.
 * - int32 meets a float: the int32 side is converted to the float's dtype (labels times weights).
 * - A plain number takes the other operand's dtype, except a non-integer number beside an int32
 *   tensor, which makes both float32 (so `mul(counts, 0.5)` does not truncate to 0).
 * - Ops that are real-valued by nature (`div`, `sqrt`, `exp`, `log`, `pow`, `sigmoid`, `tanh`,
 *   `softmax`, `logSoftmax`, `mean`, `matmul`) compute int32 inputs as float32.
 * - Gradients flow only through float tensors; an int32 input gets none.
 * @module
 */

/** The element type of a tensor. */
export type DType = "float32" | "float64" | "int32";

/** A typed array that can back a tensor. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** The constructors of the typed arrays that back each dtype. */
export const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
} as const;

/** Bytes per element of each dtype. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };

/** The longest typed array the engines allow (V8's limit; others are no longer). */
const MAX_ELEMENTS = 2 ** 32;

type Os = { totalmem(): number };
let maxBytes: number | undefined;
/** The most one tensor may take: the machine's memory in Node, 4 GiB elsewhere. */
function allocationLimit(): number {
  if (maxBytes === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const os = proc?.getBuiltinModule?.("node:os") as Os | undefined;
    maxBytes = os === undefined ? 2 ** 32 : os.totalmem();
  }
  return maxBytes;
}

/**
 * Refuses, before anything is allocated, a tensor whose size cannot be allocated: beyond the
 * engine's longest typed array, or more bytes than the machine has. Without it the engine says
 * "Invalid typed array length" or "Array buffer allocation failed", or the process runs out of
 * memory, none of which names the op or the shape.
 * @throws Error naming `op`, the shape (when given), the elements and the bytes needed.
 */
export function checkAllocation(op: string, size: number, dtype: DType, shape?: readonly number[]): void {
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (size <= MAX_ELEMENTS && bytes <= allocationLimit()) return;
  const what = shape === undefined ? `${size} ${dtype} elements` : `a ${dtype} tensor of shape [${shape.join(", ")}] (${size} elements)`;
  throw new Error(`${op}: cannot allocate ${what}: it needs ${bytes} bytes (${(bytes / 2 ** 30).toFixed(1)} GiB), more than ${size > MAX_ELEMENTS ? `the ${MAX_ELEMENTS} elements a typed array can hold` : "this machine's memory"}`);
}

/**
 * Allocates a zero-filled typed array of `dtype` with `size` elements.
 * @param op - the op allocating, and `shape` the tensor's shape, for the message when it is too large.
 * @throws Error when the array cannot be allocated (see {@link checkAllocation}).
 */
export function allocate(dtype: DType, size: number, op = "allocate", shape?: readonly number[]): TypedArray {
  checkAllocation(op, size, dtype, shape);
  return new ARRAY_TYPES[dtype](size);
}

/** Throws unless `dtype` is one of the supported names. */
export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === "float32" || dtype === "float64" || dtype === "int32") return dtype;
  throw new Error(`${where}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32', 'float64' or 'int32'`);
}

/** The dtype a typed array stands for; other array types (Uint8Array, …) read as float32. */
export function dtypeOfArray(values: ArrayLike<number>): DType {
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int32Array) return "int32";
  return "float32";
}

/** The smallest int32. */
export const INT32_MIN = -2147483648;
/** The largest int32. */
export const INT32_MAX = 2147483647;

/** Whether `v` is a number an int32 element can hold exactly. */
export function fitsInt32(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** Why `v` cannot be an int32 element, for messages; undefined when it can. */
export function int32Problem(v: number): string | undefined {
  if (fitsInt32(v)) return undefined;
  if (!Number.isInteger(v)) return "is not an integer";
  return `is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`;
}

/**
 * Exact results (computed in float64) stored as int32, refusing any that does not fit rather
 * than wrapping around as a typed array would: an int32 sum that wraps is a silently wrong number.
 * @throws Error naming `op`, the value and its index.
 */
export function toInt32Exact(op: string, values: ArrayLike<number>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < INT32_MIN || v > INT32_MAX) {
      throw new Error(`${op}: the int32 result ${v} at flat index ${i} does not fit in int32 [${INT32_MIN}, ${INT32_MAX}] and would wrap around; cast the input with .cast('float64') first`);
    }
    out[i] = v;
  }
  return out;
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}
