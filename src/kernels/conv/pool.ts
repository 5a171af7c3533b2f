/**
 * Pooling kernels over NHWC batches. Every loop walks an output pixel's window with the channels
 * innermost, so reads and writes stay contiguous. Padding is never read: max pooling skips it,
 * average pooling divides by the number of real pixels in the window.
 *
 * float32 on the `"wasm"` backend runs `src/kernels/wasm/pool.ts` instead, with the same results
 * bit for bit; these loops are its reference.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { avgPoolBackwardF32, avgPoolF32, maxPoolF32, scatterAddF32 } from "../wasm/pool.js";
import type { WindowGeometry } from "./geometry.js";
import { onWasm } from "./im2col.js";

/** The rows (or columns) of the input that window `o` covers along one axis, clipped to the image. */
function span(o: number, stride: number, pad: number, k: number, dilation: number, size: number): [number, number] {
  const start = o * stride - pad;
  // The first and one past the last tap index inside [0, size).
  const first = start >= 0 ? 0 : Math.ceil(-start / dilation);
  const last = Math.min(k, Math.floor((size - 1 - start) / dilation) + 1);
  return [first, last];
}

/**
 * Calls `visit(o, taps)` for every output pixel, with `o` its offset and `taps` the offsets of
 * the real input pixels in its window (channel 0 of each), in row-major window order. The taps
 * array is reused between calls.
 */
function forEachWindow(g: WindowGeometry, visit: (o: number, taps: Int32Array, count: number) => void): void {
  const { inH, inW, channels: c, outH, outW } = g;
  const taps = new Int32Array(g.kH * g.kW);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    const base = b * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const [i0, i1] = span(oh, g.strideH, g.padTop, g.kH, g.dilationH, inH);
      const h0 = oh * g.strideH - g.padTop;
      for (let ow = 0; ow < outW; ow++, o += c) {
        const [j0, j1] = span(ow, g.strideW, g.padLeft, g.kW, g.dilationW, inW);
        const w0 = ow * g.strideW - g.padLeft;
        let count = 0;
        for (let i = i0; i < i1; i++) {
          const row = base + (h0 + i * g.dilationH) * inW;
          for (let j = j0; j < j1; j++) taps[count++] = (row + w0 + j * g.dilationW) * c;
        }
        visit(o, taps, count);
      }
    }
  }
}

/** The window maxima and, for each, the flat index of the input element it came from (the first, on ties; NaN wins). */
export function maxPoolForward(x: TypedArray, g: WindowGeometry, dtype: DType): { values: TypedArray; argmax: Int32Array } {
  if (onWasm(dtype) && g.dilationH === 1 && g.dilationW === 1) return maxPoolF32(x as Float32Array, g);
  const c = g.channels;
  const n = g.batch * g.outH * g.outW * c;
  const values = allocate(dtype, n);
  const argmax = new Int32Array(n);
  forEachWindow(g, (o, taps, count) => {
    for (let ch = 0; ch < c; ch++) {
      let at = taps[0] + ch;
      let best = x[at];
      // A NaN, once found, stays (`best === best` is false for it); a NaN input replaces any number.
      for (let t = 1; t < count && best === best; t++) {
        const i = taps[t] + ch;
        const v = x[i];
        if (v > best || v !== v) {
          best = v;
          at = i;
        }
      }
      values[o + ch] = best;
      argmax[o + ch] = at;
    }
  });
  return { values, argmax };
}

/** The window means over the real (unpadded) pixels. */
export function avgPoolForward(x: TypedArray, g: WindowGeometry, dtype: DType): TypedArray {
  if (onWasm(dtype) && g.dilationH === 1 && g.dilationW === 1) return avgPoolF32(x as Float32Array, g);
  const c = g.channels;
  const values = allocate(dtype, g.batch * g.outH * g.outW * c);
  forEachWindow(g, (o, taps, count) => {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let t = 0; t < count; t++) s += x[taps[t] + ch];
      values[o + ch] = s / count;
    }
  });
  return values;
}

/** The adjoint of {@link avgPoolForward}: each output's gradient shared out over its window's real pixels. */
export function avgPoolBackward(dy: TypedArray, g: WindowGeometry, dtype: DType): TypedArray {
  if (onWasm(dtype) && g.dilationH === 1 && g.dilationW === 1) return avgPoolBackwardF32(dy as Float32Array, g);
  const c = g.channels;
  const dx = allocate(dtype, g.batch * g.inH * g.inW * c);
  forEachWindow(g, (o, taps, count) => {
    for (let t = 0; t < count; t++) {
      const i = taps[t];
      for (let ch = 0; ch < c; ch++) dx[i + ch] += dy[o + ch] / count;
    }
  });
  return dx;
}

/** `out[index[k]] += values[k]`: the adjoint of {@link gatherAt}. */
export function scatterAdd(values: TypedArray, index: Int32Array, size: number, dtype: DType): TypedArray {
  if (onWasm(dtype)) return scatterAddF32(values as Float32Array, index, size);
  const out = allocate(dtype, size);
  for (let k = 0; k < index.length; k++) out[index[k]] += values[k];
  return out;
}

/** `out[k] = x[index[k]]`. */
export function gatherAt(x: TypedArray, index: Int32Array, dtype: DType): TypedArray {
  const out = allocate(dtype, index.length);
  for (let k = 0; k < index.length; k++) out[k] = x[index[k]];
  return out;
}
