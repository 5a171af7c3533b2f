/**
 * Pooling kernels over NHWC batches. Every loop walks an output pixel's window with the channels
 * innermost, so reads and writes stay contiguous. Padding is never read: max pooling skips it,
 * average pooling divides by the number of real pixels in the window.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import type { WindowGeometry } from "./geometry.js";

/**
 * Walks every output pixel's window: `tap(o, i)` for each real input pixel in it (both offsets of
 * channel 0), then `pixel(o, count)` with the number of real pixels.
 */
function forWindows(g: WindowGeometry, pixel: (o: number, count: number) => void, tap: (o: number, i: number) => void): void {
  const { inH, inW, channels: c, outH, outW } = g;
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    const base = b * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * g.strideH - g.padTop;
      for (let ow = 0; ow < outW; ow++, o += c) {
        const w0 = ow * g.strideW - g.padLeft;
        let count = 0;
        for (let i = 0; i < g.kH; i++) {
          const ih = h0 + i * g.dilationH;
          if (ih < 0 || ih >= inH) continue;
          for (let j = 0; j < g.kW; j++) {
            const iw = w0 + j * g.dilationW;
            if (iw < 0 || iw >= inW) continue;
            tap(o, (base + ih * inW + iw) * c);
            count++;
          }
        }
        pixel(o, count);
      }
    }
  }
}

/** The window maxima and, for each, the flat index of the input element it came from (the first, on ties; NaN wins). */
export function maxPoolForward(x: TypedArray, g: WindowGeometry, dtype: DType): { values: TypedArray; argmax: Int32Array } {
  const c = g.channels;
  const n = g.batch * g.outH * g.outW * c;
  const values = allocate(dtype, n).fill(-Infinity);
  const argmax = new Int32Array(n).fill(-1);
  forWindows(g, () => {}, (o, i) => {
    for (let ch = 0; ch < c; ch++) {
      const v = x[i + ch];
      const best = values[o + ch];
      // A NaN, once found, stays (`best === best` is false for it); a NaN input replaces any number.
      if (argmax[o + ch] < 0 || (best === best && (v > best || v !== v))) {
        values[o + ch] = v;
        argmax[o + ch] = i + ch;
      }
    }
  });
  return { values, argmax };
}

/** The window means over the real (unpadded) pixels. */
export function avgPoolForward(x: TypedArray, g: WindowGeometry, dtype: DType): TypedArray {
  const c = g.channels;
  const values = allocate(dtype, g.batch * g.outH * g.outW * c);
  forWindows(g, (o, count) => {
    for (let ch = 0; ch < c; ch++) values[o + ch] /= count;
  }, (o, i) => {
    for (let ch = 0; ch < c; ch++) values[o + ch] += x[i + ch];
  });
  return values;
}

/** The adjoint of {@link avgPoolForward}: each output's gradient shared out over its window's real pixels. */
export function avgPoolBackward(dy: TypedArray, g: WindowGeometry, dtype: DType): TypedArray {
  const c = g.channels;
  const counts = new Int32Array(g.batch * g.outH * g.outW);
  forWindows(g, (o, count) => void (counts[o / c] = count), () => {});
  const dx = allocate(dtype, g.batch * g.inH * g.inW * c);
  forWindows(g, () => {}, (o, i) => {
    const count = counts[o / c];
    for (let ch = 0; ch < c; ch++) dx[i + ch] += dy[o + ch] / count;
  });
  return dx;
}

/** `out[index[k]] += values[k]`: the adjoint of {@link gatherAt}. */
export function scatterAdd(values: TypedArray, index: Int32Array, size: number, dtype: DType): TypedArray {
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
