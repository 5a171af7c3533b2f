/**
 * What every op does before its kernel: turning arguments into tensors, reading variables,
 * applying the dtype rules (see `tensor/dtype.ts`), and recording the result on active tapes.
 * @module
 */
import { isRecording, readVariable, recordOp } from "../autograd/tape.js";
import { checkDType, fitsInt32, type DType, type TypedArray } from "../tensor/dtype.js";
import { fromValues, tensor } from "../tensor/create.js";
import { broadcastShapes } from "../tensor/shape.js";
import { describe, Tensor, Variable, type TensorLike } from "../tensor/tensor.js";
import { binaryKernel, unaryKernel, type BinaryFn, type UnaryFn } from "../kernels/elementwise.js";
import { castKernel } from "../kernels/cast.js";

/**
 * Turns an op argument into a tensor: variables are read (and watched by recording tapes), plain
 * numbers and arrays are lifted to `dtype`.
 */
export function toTensor(op: string, x: TensorLike, dtype: DType = "float32", arg = "x"): Tensor {
  if (x instanceof Variable) return readVariable(x);
  if (x instanceof Tensor) return x;
  if (typeof x === "number" || Array.isArray(x) || ArrayBuffer.isView(x)) {
    const lifted = dtype === "int32" && !isIntegral(x) ? "float32" : dtype;
    try {
      return tensor(x, undefined, lifted);
    } catch (e) {
      // tensor's own message ("tensor: ragged nested array ...") said nothing of the op called.
      throw new Error(`${op}: argument '${arg}' is not a valid tensor: ${(e as Error).message}`);
    }
  }
  throw new Error(`${op}: argument '${arg}' must be a tensor, a number or an array, got ${describe(x)}`);
}

/** Whether plain values fit int32, so that they may take an int32 operand's dtype (else float32). */
function isIntegral(x: number | unknown[] | ArrayBufferView): boolean {
  if (typeof x === "number") return fitsInt32(x);
  if (Array.isArray(x)) return (x.flat(Infinity) as number[]).every((v) => fitsInt32(v));
  return x instanceof Int32Array;
}

/**
 * Lifts two arguments to tensors of one dtype: float32 with float64 is an error naming both;
 * int32 with a float converts the int32 side; plain values take the other side's dtype. `names`
 * are the arguments' names in messages.
 */
export function lift2(op: string, a: TensorLike, b: TensorLike, names: readonly [string, string] = ["a", "b"]): [Tensor, Tensor] {
  const aT = a instanceof Tensor;
  const bT = b instanceof Tensor;
  let x = aT ? toTensor(op, a, undefined, names[0]) : undefined;
  let y = bT ? toTensor(op, b, undefined, names[1]) : undefined;
  x ??= toTensor(op, a, y?.dtype ?? "float32", names[0]);
  y ??= toTensor(op, b, x.dtype, names[1]);
  if (x.dtype === y.dtype) return [x, y];
  if (x.dtype === "int32") return [cast(x, y.dtype), y];
  if (y.dtype === "int32") return [x, cast(y, x.dtype)];
  throw new Error(`${op}: dtype mismatch: ${names[0]} is ${x.dtype} and ${names[1]} is ${y.dtype}; cast one of them with .cast('${x.dtype}') or .cast('${y.dtype}')`);
}

/** The argument as a float tensor: int32 becomes float32, for ops that are real-valued by nature. */
export function toFloat(op: string, x: TensorLike, arg = "x"): Tensor {
  const t = toTensor(op, x, "float32", arg);
  return t.dtype === "int32" ? cast(t, "float32") : t;
}

/** A gradient rule: the gradient of each input given the output's gradient. */
export type Backward = (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

/**
 * Wraps a kernel's result as the op's output and records it on every recording tape. The
 * backward rule is only attached when a tape is recording, so untaped ops keep nothing alive.
 */
export function output(op: string, inputs: readonly Tensor[], values: TypedArray, shape: readonly number[], dtype: DType, backward?: Backward): Tensor {
  const y = fromValues(values, shape, dtype);
  if (backward !== undefined && isRecording()) recordOp(op, inputs, y, backward);
  return y;
}

/** @internal Records a view-producing op whose output was built without a kernel. */
export function outputView(op: string, inputs: readonly Tensor[], y: Tensor, backward: Backward): Tensor {
  if (isRecording()) recordOp(op, inputs, y, backward);
  return y;
}

/** An elementwise op of one input: `y = f(x)`; `grad(dy, y)` gives dx. */
export function unary(op: string, x: Tensor, f: UnaryFn, grad?: (dy: Tensor, y: Tensor) => Tensor, dtype: DType = x.dtype): Tensor {
  const values = unaryKernel(x, dtype, f);
  let y: Tensor;
  const backward = grad === undefined ? undefined : (dy: Tensor) => [grad(dy, y)];
  y = output(op, [x], values, x.shape, dtype, backward);
  return y;
}

/** An elementwise op of two broadcast inputs: `z = f(x, y)`; `grad(dz, z)` gives [dx, dy]. */
export function binary(op: string, x: Tensor, y: Tensor, f: BinaryFn, grad?: (dz: Tensor, z: Tensor) => readonly (Tensor | null)[], dtype: DType = x.dtype): Tensor {
  const shape = broadcastShapes(op, x.shape, y.shape);
  const values = binaryKernel(op, x, y, shape, dtype, f);
  let z: Tensor;
  const backward = grad === undefined ? undefined : (dz: Tensor) => grad(dz, z);
  z = output(op, [x, y], values, shape, dtype, backward);
  return z;
}

/**
 * Converts `x` to `dtype`. Between float dtypes the gradient is cast back; to or from int32 it
 * stops (integers carry no gradient). Float to int32 truncates toward zero.
 * @example `gt.tensor([1.7, -1.7]).cast("int32") // [1, -1]`
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor("cast", x);
  checkDType(dtype, "cast");
  if (t.dtype === dtype) return t;
  const from = t.dtype;
  return output("cast", [t], castKernel(t.values(), dtype), t.shape, dtype, (dy) => [from === "int32" || dtype === "int32" ? null : cast(dy, from)]);
}
