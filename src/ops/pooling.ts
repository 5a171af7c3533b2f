/**
 * Max and average pooling (NHWC). Max pooling's gradient routes each output's gradient to the
 * input element that won its window: a scatter whose adjoint is a gather at the same indices, so
 * the pair differentiates to any order. Average pooling is linear; its gradient and the
 * gradient's gradient alternate between the pooling and its adjoint.
 * @module
 */
import { fmt, sizeOf } from "../tensor/shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { checkPadding, imageBatchShape, pair, windowGeometry, type Padding, type WindowGeometry } from "../kernels/conv/geometry.js";
import { avgPoolBackward, avgPoolForward, gatherAt, maxPoolForward, scatterAdd } from "../kernels/conv/pool.js";
import { output, toFloat } from "./lift.js";
import { reshape } from "./shape.js";

/** The input as a batch, and the window's geometry, checked. */
function poolSetup(op: string, x: TensorLike, filterSize: unknown, strides: unknown, padding: unknown): { xb: Tensor; g: WindowGeometry; single: boolean } {
  const t = toFloat(op, x);
  const [kH, kW] = pair(op, "filterSize", filterSize);
  const s = pair(op, "strides", strides ?? filterSize);
  const p = checkPadding(op, padding);
  if (typeof p !== "string" && (p[0].some((v) => v >= kH) || p[1].some((v) => v >= kW))) {
    throw new Error(`${op}: explicit padding ${JSON.stringify(p)} must be smaller than the window ${fmt([kH, kW])} on every side, or a window would hold only padding`);
  }
  const xb = t.rank === 4 ? t : reshape(t, imageBatchShape(op, "x", t.shape));
  return { xb, g: windowGeometry(op, xb.shape, kH, kW, s, [1, 1], p), single: t.rank === 3 };
}

function pooledShape(g: WindowGeometry, single: boolean): number[] {
  const shape = [g.batch, g.outH, g.outW, g.channels];
  return single ? shape.slice(1) : shape;
}

/**
 * The maximum of each window: `filterSize` a number or `[h, w]`, `strides` (default
 * `filterSize`), `padding` `'valid'` (default), `'same'` or explicit.
 * @throws Error naming the op and the shapes when the window does not fit or an argument is malformed.
 * @example `gt.maxPool(x, 2)` halves the height and width of x [64, 26, 26, 32]: [64, 13, 13, 32].
 */
export function maxPool(x: TensorLike, filterSize: number | [number, number], strides?: number | [number, number], padding: Padding = "valid"): Tensor {
  const { xb, g, single } = poolSetup("maxPool", x, filterSize, strides, padding);
  const { values, argmax } = maxPoolForward(xb.values(), g, xb.dtype);
  const shape = pooledShape(g, single);
  return output("maxPool", [xb], values, shape, xb.dtype, (dy) => [scatterTo(dy, argmax, xb.shape)]);
}

/** The gradient of max pooling: `dy` added onto the winning elements of an input of `shape`. */
function scatterTo(dy: Tensor, index: Int32Array, shape: readonly number[]): Tensor {
  return output("maxPoolBackprop", [dy], scatterAdd(dy.values(), index, sizeOf(shape), dy.dtype), shape, dy.dtype, (ddx) => [gatherFrom(ddx, index, dy.shape)]);
}

function gatherFrom(x: Tensor, index: Int32Array, shape: readonly number[]): Tensor {
  return output("maxPoolGather", [x], gatherAt(x.values(), index, x.dtype), shape, x.dtype, (dy) => [scatterTo(dy, index, x.shape)]);
}

/**
 * The mean of each window over its real pixels: with `'same'` padding, a border window that
 * covers padding divides by the pixels it does cover, as TensorFlow's forward does; the gradient
 * is the derivative of exactly that.
 * @throws Error naming the op and the shapes when the window does not fit or an argument is malformed.
 * @example `gt.avgPool(x, 3, 1, "same")` keeps x's height and width.
 */
export function avgPool(x: TensorLike, filterSize: number | [number, number], strides?: number | [number, number], padding: Padding = "valid"): Tensor {
  const { xb, g, single } = poolSetup("avgPool", x, filterSize, strides, padding);
  return avgPoolOp(xb, g, single);
}

function avgPoolOp(xb: Tensor, g: WindowGeometry, single: boolean): Tensor {
  const values = avgPoolForward(xb.values(), g, xb.dtype);
  return output("avgPool", [xb], values, pooledShape(g, single), xb.dtype, (dy) => [avgPoolAdjoint(dy, g, xb.shape)]);
}

function avgPoolAdjoint(dy: Tensor, g: WindowGeometry, shape: readonly number[]): Tensor {
  return output("avgPoolBackprop", [dy], avgPoolBackward(dy.values(), g, dy.dtype), shape, dy.dtype, (ddx) => [reshape(avgPoolOp(ddx, g, false), dy.shape)]);
}
