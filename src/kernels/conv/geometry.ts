/**
 * The arithmetic shared by convolutions and pooling: reading `strides`, `dilations` and
 * `padding` arguments, and turning them into output sizes and the padding on each side.
 * Everything is NHWC ("channels last"), as Keras and TensorFlow.js.
 * @module
 */
import { checkShape, fmt } from "../../tensor/shape.js";

/** `'valid'` (no padding), `'same'` (output `ceil(in / stride)`), or `[[top, bottom], [left, right]]`. */
export type Padding = "valid" | "same" | readonly [readonly [number, number], readonly [number, number]];

/** Where a sliding window goes over one image: the sizes in, the window, the steps, the padding, the sizes out. */
export interface WindowGeometry {
  /** Batch, height, width and channels of the input. */
  batch: number; inH: number; inW: number; channels: number;
  /** The window (filter) size before dilation. */
  kH: number; kW: number;
  strideH: number; strideW: number;
  dilationH: number; dilationW: number;
  /** Padding rows above and columns to the left (the rest is below and to the right). */
  padTop: number; padLeft: number;
  padBottom: number; padRight: number;
  outH: number; outW: number;
}

/** A number or `[h, w]` of positive integers, else an error naming the op and the argument. */
export function pair(op: string, arg: string, value: unknown): [number, number] {
  const v = typeof value === "number" ? [value, value] : value;
  const ok = Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 1);
  if (!ok) throw new Error(`${op}: ${arg} must be a positive integer or [height, width] of positive integers, got ${JSON.stringify(value)}`);
  return [v[0], v[1]];
}

/** The padding argument, checked: a known string or explicit non-negative integers. */
export function checkPadding(op: string, padding: unknown): Padding {
  if (padding === "valid" || padding === "same") return padding;
  const isPair = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0);
  if (Array.isArray(padding) && padding.length === 2 && padding.every(isPair)) return padding as unknown as Padding;
  throw new Error(`${op}: padding must be 'valid', 'same' or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(padding)}`);
}

/** One axis: input size, window, stride, dilation → [padBefore, padAfter, out]. */
function axis(op: string, name: string, size: number, k: number, stride: number, dilation: number, padding: Padding, explicit: readonly [number, number] | undefined): [number, number, number] {
  const span = (k - 1) * dilation + 1;
  let before = 0;
  let after = 0;
  if (padding === "same") {
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + span - size);
    before = Math.floor(total / 2);
    after = total - before;
  } else if (explicit !== undefined) {
    [before, after] = explicit;
  }
  const padded = size + before + after;
  if (padded < span) {
    const dil = dilation > 1 ? ` (${k} dilated by ${dilation})` : "";
    throw new Error(`${op}: the window's ${name} ${span}${dil} is larger than the padded input's ${name} ${padded}`);
  }
  return [before, after, Math.floor((padded - span) / stride) + 1];
}

/**
 * The geometry of a window of `kH × kW` sliding over `x` of shape `[batch, h, w, c]`.
 * @throws Error naming the op when the window does not fit the padded input.
 */
export function windowGeometry(op: string, xShape: readonly number[], kH: number, kW: number, strides: [number, number], dilations: [number, number], padding: Padding): WindowGeometry {
  const [batch, inH, inW, channels] = xShape;
  const explicit = typeof padding === "string" ? undefined : padding;
  const [padTop, padBottom, outH] = axis(op, "height", inH, kH, strides[0], dilations[0], padding, explicit?.[0]);
  const [padLeft, padRight, outW] = axis(op, "width", inW, kW, strides[1], dilations[1], padding, explicit?.[1]);
  return {
    batch, inH, inW, channels, kH, kW,
    strideH: strides[0], strideW: strides[1], dilationH: dilations[0], dilationW: dilations[1],
    padTop, padLeft, padBottom, padRight, outH, outW,
  };
}

/** Whether the column matrix of this geometry is the input itself (1×1 window, stride 1, no padding). */
export function isPointwise(g: WindowGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0;
}

/** The input as a batch: rank 4 as it is, rank 3 as one image; else an error naming the shapes. */
export function imageBatchShape(op: string, arg: string, shape: readonly number[]): number[] {
  // A shape given by the caller (conv2dBackpropInput's inputShape): a NaN or a number there must
  // not reach the geometry as a bare TypeError.
  checkShape(shape, `${op}: ${arg}`);
  if (shape.length === 4) return shape.slice();
  if (shape.length === 3) return [1, ...shape];
  throw new Error(`${op}: ${arg} must be rank 4 [batch, height, width, channels] or rank 3 [height, width, channels], got rank ${shape.length} ${fmt(shape)}`);
}
