/**
 * The three convolution kernels — forward, input gradient, filter gradient — as im2col (or
 * col2im) around one matrix product each, so they run on the matmul kernel: WebAssembly SIMD for
 * float32, on both threads when the product is large.
 *
 * A float32 step on the `"wasm"` backend whose column matrix fits one chunk and whose products
 * stay below {@link CONV_PARALLEL_MIN_FLOPS} runs whole in WebAssembly on the calling thread
 * (src/kernels/wasm/conv.ts): im2col, product, bias and relu (and backward: relu's mask, the
 * bias' sums, both products, col2im) without the column matrix leaving WebAssembly memory.
 *
 * The batch is processed in chunks so that no column matrix exceeds {@link COL_LIMIT} elements:
 * a chunk is as many whole images as fit, and at least one.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { matmulKernel } from "../matmul.js";
import { denseOnWasm } from "../dense.js";
import { activationBackward, biasActivation, columnSums, type FusedActivation } from "../epilogue.js";
import { convBackwardF32, convForwardF32 } from "../wasm/conv.js";
import { isPointwise, type WindowGeometry } from "./geometry.js";
import { col2imAdd, im2col } from "./im2col.js";

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

/**
 * Convolution products below this many flops run on the calling thread with the column matrix
 * kept in WebAssembly memory (src/kernels/wasm/conv.ts); larger ones go to the worker threads.
 * Higher than the dense layer's threshold because the threaded path costs a convolution more:
 * the column matrix (and its gradient) is copied out to JavaScript and into the shared memory and
 * back, im2col runs twice, and bias, relu and their gradients run as TypeScript loops. Measured
 * here (2 cores, shared, forward plus backward): the conv2 (m 7744, k 288, n 64,
 * 2.9e8 flops a product) 52-91 ms fused on one thread vs 94-169 ms threaded; m 6400, k 576,
 * n 128 (9.4e8) 161-193 ms vs 230-249 ms.
 */
export const CONV_PARALLEL_MIN_FLOPS = 1e9;

/**
 * Whether a whole convolution step can run as the dense layer's WebAssembly kernels on its
 * column matrix: float32, relu or linear, one chunk, a product small enough for one thread.
 */
function onDenseKernels(g: WindowGeometry, outChannels: number, activation: FusedActivation, dtype: DType): boolean {
  const rows = g.batch * g.outH * g.outW;
  return rows > 0 && chunkSize(g) >= g.batch && denseOnWasm(dtype, activation, rows, g.kH * g.kW * g.channels, outChannels, CONV_PARALLEL_MIN_FLOPS);
}

/** `activation(conv2d(x, filter) + bias)`: whole in WebAssembly when {@link onDenseKernels} says so. */
export function conv2dBiasActivation(x: TypedArray, filter: TypedArray, bias: TypedArray | undefined, g: WindowGeometry, outChannels: number, activation: FusedActivation, dtype: DType): TypedArray {
  if (onDenseKernels(g, outChannels, activation, dtype)) {
    return convForwardF32(x as Float32Array, filter as Float32Array, bias as Float32Array | undefined, g, outChannels, activation === "relu");
  }
  const y = conv2dForward(x, filter, g, outChannels, dtype);
  return biasActivation(y, bias, activation, g.batch * g.outH * g.outW, outChannels);
}

/** Which gradients a backward step computes. */
export interface ConvNeeds { x: boolean; filter: boolean; bias: boolean }

/**
 * The first-order backward step of {@link conv2dBiasActivation} from the output `y` and its
 * gradient `dy`: the activation's derivative, then the gradients asked for.
 */
export function conv2dBiasActivationGrads(dy: TypedArray, y: TypedArray, x: TypedArray, filter: TypedArray, g: WindowGeometry, outChannels: number, activation: FusedActivation, needs: ConvNeeds, dtype: DType): { dx?: TypedArray; dfilter?: TypedArray; dbias?: TypedArray } {
  const rows = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  if (onDenseKernels(g, outChannels, activation, dtype)) {
    const r = convBackwardF32(dy as Float32Array, activation === "relu" ? y as Float32Array : undefined, x as Float32Array, filter as Float32Array, g, outChannels, { a: needs.x, b: needs.filter, bias: needs.bias });
    return { dx: r.da, dfilter: r.db, dbias: r.dbias };
  }
  const dz = activationBackward(dy, y, activation, dtype);
  return {
    dx: needs.x ? conv2dInputGrad(dz, filter, g, outChannels, dtype) : undefined,
    dfilter: needs.filter ? conv2dFilterGrad(x, dz, g, outChannels, dtype) : undefined,
    dbias: needs.bias ? columnSums(dz, rows, outChannels, dtype) : undefined,
  };
}
