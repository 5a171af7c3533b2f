/**
 * The three convolution kernels — forward, input gradient, filter gradient — as im2col (or
 * col2im) around one matrix product each, so they run on the matmul kernel: WebAssembly SIMD for
 * float32, on both threads when the product is large.
 *
 * The batch is processed in chunks so that no column matrix exceeds {@link COL_LIMIT} elements:
 * a chunk is as many whole images as fit, and at least one.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { matmulKernel } from "../matmul.js";
import type { WindowGeometry } from "./geometry.js";
import { col2imAdd, im2col, isPointwise } from "./im2col.js";

/** The largest column matrix built at once, in elements (16 MiB of float32). */
export const COL_LIMIT = 1 << 22;

/** The images per chunk: as many as keep the column matrix within {@link COL_LIMIT}. */
function chunkSize(g: WindowGeometry): number {
  const rowsPerImage = g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  return Math.max(1, Math.min(g.batch, Math.floor(COL_LIMIT / Math.max(1, rowsPerImage * k))));
}

/** Calls `fn(b0, b1)` for consecutive chunks of the batch. */
function forChunks(g: WindowGeometry, fn: (b0: number, b1: number) => void): void {
  const step = chunkSize(g);
  for (let b0 = 0; b0 < g.batch; b0 += step) fn(b0, Math.min(g.batch, b0 + step));
}

/** `y[b, oh, ow, oc]`: `x` `[batch, inH, inW, C]` convolved with `filter` `[kH, kW, C, OC]`. */
export function conv2dForward(x: TypedArray, filter: TypedArray, g: WindowGeometry, outChannels: number, dtype: DType): TypedArray {
  const rowsPerImage = g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  const y = allocate(dtype, g.batch * rowsPerImage * outChannels);
  if (y.length === 0) return y;
  forChunks(g, (b0, b1) => {
    const rows = (b1 - b0) * rowsPerImage;
    const part = matmulKernel(im2col(x, g, b0, b1, dtype), filter, rows, k, outChannels, false, false, dtype);
    if (b0 === 0 && b1 === g.batch) return void y.set(part);
    y.set(part, b0 * rowsPerImage * outChannels);
  });
  return y;
}

/** dL/dx `[batch, inH, inW, C]` from `dy` `[batch, outH, outW, OC]` and the filter. */
export function conv2dInputGrad(dy: TypedArray, filter: TypedArray, g: WindowGeometry, outChannels: number, dtype: DType): TypedArray {
  const rowsPerImage = g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  const dx = allocate(dtype, g.batch * g.inH * g.inW * g.channels);
  if (dx.length === 0) return dx;
  forChunks(g, (b0, b1) => {
    const rows = (b1 - b0) * rowsPerImage;
    const dyPart = dy.subarray(b0 * rowsPerImage * outChannels, b1 * rowsPerImage * outChannels);
    const dcol = matmulKernel(dyPart, filter, rows, outChannels, k, false, true, dtype);
    if (isPointwise(g)) dx.set(dcol, b0 * g.inH * g.inW * g.channels);
    else col2imAdd(dcol, dx, g, b0, b1);
  });
  return dx;
}

/** dL/dfilter `[kH, kW, C, OC]` from the input and `dy`, summed over the batch. */
export function conv2dFilterGrad(x: TypedArray, dy: TypedArray, g: WindowGeometry, outChannels: number, dtype: DType): TypedArray {
  const rowsPerImage = g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  let dw: TypedArray | undefined;
  forChunks(g, (b0, b1) => {
    const rows = (b1 - b0) * rowsPerImage;
    const dyPart = dy.subarray(b0 * rowsPerImage * outChannels, b1 * rowsPerImage * outChannels);
    const part = matmulKernel(im2col(x, g, b0, b1, dtype), dyPart, k, rows, outChannels, true, false, dtype);
    if (dw === undefined) dw = part;
    else for (let i = 0; i < part.length; i++) dw[i] += part[i];
  });
  return dw ?? allocate(dtype, k * outChannels);
}
