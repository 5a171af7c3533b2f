/**
 * float32 pooling on WebAssembly (`assembly/conv.ts`): max pooling with its argmax and the
 * argmax scatter, average pooling and its adjoint. Each equals its TypeScript counterpart in
 * `src/kernels/conv/pool.ts` bit for bit.
 * @internal
 * @module
 */
import type { WindowGeometry } from "../conv/geometry.js";
import { align64 } from "./common.js";
import { convKernels, geometryBlock, SLACK } from "./conv-module.js";

const pooledSize = (g: WindowGeometry): number => g.batch * g.outH * g.outW * g.channels;

/** The window maxima and the flat input index of each, as `maxPoolForward` computes them. */
export function maxPoolF32(x: Float32Array, g: WindowGeometry): { values: Float32Array; argmax: Int32Array } {
  const { kernels, conv } = convKernels("maxPoolF32");
  const n = pooledSize(g);
  const bytes = align64((n + SLACK) * 4);
  const [xp, gp, values] = kernels.stage("maxPoolF32", [x, geometryBlock(g)], (2 * bytes) / 4);
  const argmax = values + bytes;
  conv.maxPoolF32(xp, values, argmax, gp, g.batch);
  return { values: kernels.heap.slice(values >>> 2, (values >>> 2) + n), argmax: kernels.heapI32.slice(argmax >>> 2, (argmax >>> 2) + n) };
}

/** `out[index[k]] += values[k]` into `size` zeros, in order, as `scatterAdd` does. */
export function scatterAddF32(values: Float32Array, index: Int32Array, size: number): Float32Array {
  const { kernels, conv } = convKernels("scatterAddF32");
  const [vp, ip, out] = kernels.stage("scatterAddF32", [values, index], size);
  conv.scatterAddF32(vp, ip, out, index.length, size);
  return kernels.heap.slice(out >>> 2, (out >>> 2) + size);
}

/** The window means over the real pixels, as `avgPoolForward` computes them. */
export function avgPoolF32(x: Float32Array, g: WindowGeometry): Float32Array {
  const { kernels, conv } = convKernels("avgPoolF32");
  const n = pooledSize(g);
  const [xp, gp, values] = kernels.stage("avgPoolF32", [x, geometryBlock(g)], n + SLACK);
  conv.avgPoolF32(xp, values, gp, g.batch);
  return kernels.heap.slice(values >>> 2, (values >>> 2) + n);
}

/** The adjoint of {@link avgPoolF32}, as `avgPoolBackward` computes it. */
export function avgPoolBackwardF32(dy: Float32Array, g: WindowGeometry): Float32Array {
  const { kernels, conv } = convKernels("avgPoolBackwardF32");
  const n = g.batch * g.inH * g.inW * g.channels;
  const [dp, gp, dx] = kernels.stage("avgPoolBackwardF32", [dy, geometryBlock(g)], n);
  conv.avgPoolBackwardF32(dp, dx, gp, g.batch);
  return kernels.heap.slice(dx >>> 2, (dx >>> 2) + n);
}
