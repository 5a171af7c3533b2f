/**
 * float32 convolution steps on WebAssembly: im2col and col2im alone (for products that run on
 * worker threads), and whole single-threaded forward and backward steps in which the column
 * matrix is built, multiplied and (for the input gradient) folded back inside WebAssembly memory,
 * so that only the step's inputs and results cross between JavaScript and WebAssembly.
 * @internal
 * @module
 */
import { isPointwise, type WindowGeometry } from "../conv/geometry.js";
import { align64 } from "./common.js";
import { convKernels, geometryBlock, SLACK } from "./conv-module.js";
import type { DenseGradients, DenseNeeds } from "./index.js";

/** Bytes of an arena region of `floats` floats with the kernels' slack, or none when not `wanted`. */
const region = (floats: number, wanted = true): number => (wanted ? align64((floats + SLACK) * 4) : 0);

const imageSize = (g: WindowGeometry): number => g.inH * g.inW * g.channels;
const colSize = (g: WindowGeometry, images: number): number => images * g.outH * g.outW * g.kH * g.kW * g.channels;

/** The column matrix of images `b0 … b1-1` of `x`, as `im2col` in `src/kernels/conv/im2col.ts` builds it. */
export function im2colF32(x: Float32Array, g: WindowGeometry, b0: number, b1: number): Float32Array {
  const { kernels, conv } = convKernels("im2colF32");
  const n = colSize(g, b1 - b0);
  const [xp, gp, col] = kernels.stage("im2colF32", [x.subarray(b0 * imageSize(g), b1 * imageSize(g)), geometryBlock(g)], region(n) / 4);
  conv.im2colF32(xp, col, gp, 0, b1 - b0);
  return kernels.heap.slice(col >>> 2, (col >>> 2) + n);
}

/** Adds the column matrix of images `b0 … b1-1` back onto `dx` (the whole batch's), as `col2imAdd` does. */
export function col2imAddF32(col: Float32Array, dx: Float32Array, g: WindowGeometry, b0: number, b1: number): void {
  const { kernels, conv } = convKernels("col2imAddF32");
  const part = dx.subarray(b0 * imageSize(g), b1 * imageSize(g));
  const [cp, dp, gp] = kernels.stage("col2imAddF32", [col, part, geometryBlock(g)], 0);
  conv.col2imAddF32(cp, dp, gp, 0, b1 - b0);
  part.set(kernels.heap.subarray(dp >>> 2, (dp >>> 2) + part.length));
}

/**
 * `act(conv2d(x, filter) + bias)` for the whole batch on the calling thread: im2col into the
 * arena, then the dense layer's forward kernel on it.
 */
export function convForwardF32(x: Float32Array, filter: Float32Array, bias: Float32Array | undefined, g: WindowGeometry, outChannels: number, relu: boolean): Float32Array {
  const { kernels, conv } = convKernels("convForwardF32");
  const ex = kernels.exports;
  const rows = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  if (rows === 0) return new Float32Array(0);
  const pointwise = isPointwise(g);
  const colBytes = region(colSize(g, g.batch), !pointwise);
  const yBytes = align64(rows * outChannels * 4);
  const [xp, fp, bp, gp, col] = kernels.stage("convForwardF32", [x, filter, bias, geometryBlock(g)], (colBytes + yBytes + ex.workspaceBytes(rows, k, outChannels)) / 4);
  if (!pointwise) conv.im2colF32(xp, col, gp, 0, g.batch);
  const y = col + colBytes;
  ex.denseForwardF32(pointwise ? xp : col, fp, bias === undefined ? 0 : bp, y, rows, k, outChannels, 0, 0, relu ? 1 : 0, y + yBytes);
  return kernels.heap.slice(y >>> 2, (y >>> 2) + rows * outChannels);
}

/**
 * The backward step of {@link convForwardF32} from `dy` and, for relu, the forward's output `y`:
 * the column matrix (when the filter gradient is wanted) and the column matrix's gradient stay in
 * the arena, and the latter is folded into dx there. `needs.a` is x, `needs.b` the filter.
 */
export function convBackwardF32(dy: Float32Array, y: Float32Array | undefined, x: Float32Array, filter: Float32Array, g: WindowGeometry, outChannels: number, needs: DenseNeeds): DenseGradients {
  const { kernels, conv } = convKernels("convBackwardF32");
  const rows = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.channels;
  const pointwise = isPointwise(g);
  const dxSize = g.batch * imageSize(g);
  const colBytes = region(colSize(g, g.batch), needs.b && !pointwise);
  const dbiasBytes = region(outChannels, needs.bias);
  const dcolBytes = region(rows * k, needs.a);
  const dfilterBytes = region(k * outChannels, needs.b);
  const dxBytes = region(dxSize, needs.a && !pointwise);
  const work = kernels.denseBackwardWork(rows, k, outChannels, false, false, needs);
  const staged = [dy, y, needs.b ? x : undefined, needs.a ? filter : undefined, geometryBlock(g)];
  const [dz, yp, xp, fp, gp, col] = kernels.stage("convBackwardF32", staged, (colBytes + dbiasBytes + dcolBytes + dfilterBytes + dxBytes + work) / 4);
  const dbias = col + colBytes;
  const dcol = dbias + dbiasBytes;
  const dfilter = dcol + dcolBytes;
  const dx = dfilter + dfilterBytes;
  if (colBytes > 0) conv.im2colF32(xp, col, gp, 0, g.batch);
  kernels.exports.denseBackwardF32(
    dz, y === undefined ? 0 : yp, pointwise ? xp : col, fp, rows, k, outChannels, 0, 0,
    needs.bias ? dbias : 0, needs.a ? dcol : 0, needs.b ? dfilter : 0, dx + dxBytes,
  );
  if (dxBytes > 0) {
    kernels.heap.fill(0, dx >>> 2, (dx >>> 2) + dxSize);
    conv.col2imAddF32(dcol, dx, gp, 0, g.batch);
  }
  const out = (p: number, floats: number, wanted: boolean) => (wanted ? kernels.heap.slice(p >>> 2, (p >>> 2) + floats) : undefined);
  return { da: out(pointwise ? dcol : dx, dxSize, needs.a), db: out(dfilter, k * outChannels, needs.b), dbias: out(dbias, outChannels, needs.bias) };
}
