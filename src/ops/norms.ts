/**
 * `norm`: vector norms (euclidean, 1, ±∞) over one axis or all, and the matrix norms TF.js has
 * over two axes (Frobenius, 1, ±∞). The euclidean norm is its own op, so its gradient at the
 * zero vector is 0 (PyTorch's subgradient) instead of 0/0.
 * @module
 */
import { normalizeAxes, normalizeAxis, reducedShape } from "../tensor/shape.js";
import { allocate } from "../tensor/dtype.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { reduceKernel } from "../kernels/reduce.js";
import { output, toFloat } from "./lift.js";
import { abs, div, mul } from "./arithmetic.js";
import { max, min, sum, type Axis } from "./reductions.js";
import { where } from "./selection.js";
import { reshape } from "./shape.js";

/**
 * An order for {@link norm}: `'euclidean'`, `'fro'` (the euclidean norm under its matrix name),
 * 1, 2, `Infinity` or `-Infinity` (TF.js types it the same way, with any number).
 */
export type NormOrder = "euclidean" | "fro" | number;

const ORDERS: readonly unknown[] = ["euclidean", "fro", 1, 2, Infinity, -Infinity];

/**
 * The norm of `x` over `axis`, TF.js' semantics: with no axis `x` is read as one vector; one axis
 * gives vector norms along it; two axes `[rows, columns]` give matrix norms.
 *
 * - `'euclidean'`, `'fro'` (and 2 for vectors): `√Σx²`, over any set of axes.
 * - 1: `Σ|x|` for vectors; the largest column sum of `|x|` for matrices.
 * - `Infinity` / `-Infinity`: the largest / smallest `|x|` for vectors; the largest / smallest row
 *   sum of `|x|` for matrices.
 *
 * Every gradient is 0 where `x` is 0, as in PyTorch.
 * @throws Error for another order, for ord 2 over two axes (the spectral norm is not provided),
 * or for 1 and ±∞ over more than two axes.
 * @example `gt.norm(gt.tensor([3, 4]))` is 5; `gt.norm(m, 1, [0, 1])` the largest column sum.
 */
export function norm(x: TensorLike, ord: NormOrder = "euclidean", axis?: Axis, keepDims = false): Tensor {
  const t = toFloat("norm", x);
  if (!ORDERS.includes(ord)) throw new Error(`norm: ord must be 'euclidean', 'fro', 1, 2, Infinity or -Infinity, got ${JSON.stringify(ord) ?? String(ord)}`);
  const given = axis === undefined ? undefined : typeof axis === "number" ? [axis] : axis;
  const axes = normalizeAxes("norm", axis, t.rank);
  const shape = reducedShape(t.shape, axes, keepDims);
  if (ord === "euclidean" || ord === "fro" || (ord === 2 && (given === undefined || given.length === 1))) return euclidean(t, axes, keepDims);
  const a = abs(t);
  if (given === undefined || given.length === 1) {
    return ord === 1 ? sum(a, axes, keepDims) : ord === Infinity ? max(a, axes, keepDims) : min(a, axes, keepDims);
  }
  if (given.length !== 2) throw new Error(`norm: ord ${ord} needs one axis (a vector norm) or two (a matrix norm), got axis ${JSON.stringify(given)}`);
  if (ord === 2) throw new Error(`norm: ord 2 over two axes is the spectral norm, which is not provided; use 'fro', 1, Infinity or -Infinity`);
  const [rows, cols] = given.map((g) => normalizeAxis("norm", g, t.rank));
  const [inner, outer] = ord === 1 ? [rows, cols] : [cols, rows];
  const sums = sum(a, inner, true);
  const y = ord === -Infinity ? min(sums, outer, true) : max(sums, outer, true);
  return reshape(y, shape);
}

/** `√Σx²` over `axes`, summed in float64; the gradient `x / ‖x‖`, taken as 0 where ‖x‖ is 0. */
function euclidean(t: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const src = t.values();
  const squares = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) squares[i] = src[i] * src[i];
  const sums = reduceKernel(squares, t.shape, axes, "sum", "float64");
  const values = allocate(t.dtype, sums.length);
  for (let i = 0; i < sums.length; i++) values[i] = Math.sqrt(sums[i]);
  const kept = reducedShape(t.shape, axes, true);
  let y: Tensor;
  y = output("norm", [t], values, reducedShape(t.shape, axes, keepDims), t.dtype, (dy) => {
    const yk = reshape(y, kept);
    return [mul(reshape(dy, kept), div(t, where(yk, yk, 1)))];
  });
  return y;
}
