/**
 * Tensors whose values follow from their index: `range`, `linspace` and `eye` (TF.js names and
 * argument order). They take no tensor input, so they have no gradient.
 * @module
 */
import { allocate, checkDType, fitsInt32, INT32_MAX, INT32_MIN, type DType } from "../tensor/dtype.js";
import { fromValues } from "../tensor/create.js";
import { checkShape, sizeOf } from "../tensor/shape.js";
import { describe, type Tensor } from "../tensor/tensor.js";
import { finiteNumber } from "../util/args.js";

/**
 * `start, start + step, …` up to but excluding `stop`; `range(n)` is `range(0, n)`. The result is
 * empty when `step` points away from `stop` (as NumPy and Python's TensorFlow; TF.js alone
 * reverses a default step). Element i is `start + i·step`, so no rounding error accumulates.
 * @throws Error when an argument is not a finite number, `step` is 0, or int32 is asked for with
 * a fractional start or step.
 * @example `gt.range(0, 1, 0.25)` gives `[0, 0.25, 0.5, 0.75]`.
 */
export function range(start: number, stop?: number, step = 1, dtype: DType = "float32"): Tensor {
  if (stop === undefined) return range(0, start, step, dtype);
  finiteNumber("range", "start", start);
  finiteNumber("range", "stop", stop);
  finiteNumber("range", "step", step);
  checkDType(dtype, "range");
  if (step === 0) throw new Error("range: step must not be 0");
  if (dtype === "int32" && !(Number.isInteger(start) && Number.isInteger(step))) {
    throw new Error(`range: dtype int32 needs an integer start and step, got start ${start} and step ${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (dtype === "int32" && n > 0 && !(fitsInt32(start) && fitsInt32(start + (n - 1) * step))) {
    throw new Error(`range: the values from ${start} to ${start + (n - 1) * step} do not fit in int32 [${INT32_MIN}, ${INT32_MAX}]`);
  }
  const out = allocate(dtype, n, "range", [n]);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return fromValues(out, [n], dtype);
}

/**
 * `num` evenly spaced float32 values from `start` to `stop`, both included.
 * @throws Error unless `num` is a positive integer and both ends are finite.
 * @example `gt.linspace(0, 1, 5)` gives `[0, 0.25, 0.5, 0.75, 1]`.
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  finiteNumber("linspace", "start", start);
  finiteNumber("linspace", "stop", stop);
  if (!Number.isInteger(num) || num < 1) throw new Error(`linspace: num must be a positive integer, got ${describe(num)}`);
  const out = allocate("float32", num, "linspace", [num]);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  out[num - 1] = num === 1 ? start : stop;
  return fromValues(out, [num], "float32");
}

/**
 * The identity matrix `[numRows, numColumns]` (square by default), repeated over `batchShape`
 * leading dimensions when given.
 * @throws Error when a size is not a non-negative integer.
 * @example `gt.eye(2, 3)` gives `[[1, 0, 0], [0, 1, 0]]`.
 */
export function eye(numRows: number, numColumns = numRows, batchShape: readonly number[] = [], dtype: DType = "float32"): Tensor {
  for (const [name, v] of [["numRows", numRows], ["numColumns", numColumns]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`eye: ${name} must be a non-negative integer, got ${describe(v)}`);
  }
  checkShape(batchShape, "eye");
  checkDType(dtype, "eye");
  const shape = [...batchShape, numRows, numColumns];
  const out = allocate(dtype, sizeOf(shape), "eye", shape);
  const block = numRows * numColumns;
  const diag = Math.min(numRows, numColumns);
  for (let b = 0; b < sizeOf(batchShape); b++) for (let i = 0; i < diag; i++) out[b * block + i * numColumns + i] = 1;
  return fromValues(out, shape, dtype);
}

