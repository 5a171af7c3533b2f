/**
 * im2col and col2im: a convolution becomes one matrix product once every output pixel's window
 * is laid out as a row. Row `r` of the column matrix belongs to output pixel (b, oh, ow) in
 * row-major order, and its columns run over (kh, kw, c) — the filter's own row-major order, so
 * the filter `[kH, kW, C, OC]` read as a `[kH·kW·C, OC]` matrix needs no copy.
 *
 * Both walk the window a filter row at a time: without horizontal dilation the taps of one
 * filter row that fall inside the image are one contiguous run of the input, `(j1 − j0)·C`
 * elements long, copied (or added) in one loop.
 *
 * float32 on the `"wasm"` backend runs the same walk in WebAssembly (`assembly/conv.ts`); these
 * loops are the reference it is tested against.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { getBackend } from "../backend.js";
import { col2imAddF32, im2colF32 } from "../wasm/conv.js";
import { isPointwise, type WindowGeometry } from "./geometry.js";

export { isPointwise } from "./geometry.js";

/** Whether float32 data takes the WebAssembly kernels (`src/kernels/wasm/conv.ts`, the same results bit for bit). */
export const onWasm = (dtype: DType): boolean => dtype === "float32" && getBackend() === "wasm";


/** The taps `[j0, j1)` of a filter row that fall inside `[0, size)` for a window starting at `start`. */
function inside(start: number, k: number, dilation: number, size: number): [number, number] {
  const j0 = start >= 0 ? 0 : Math.ceil(-start / dilation);
  const j1 = Math.min(k, Math.floor((size - 1 - start) / dilation) + 1);
  return [j0, Math.max(j0, j1)];
}

/**
 * Calls `run(src, dst, length)` for every contiguous run that connects the input (offset `src`)
 * and row `r` of the column matrix (offset `dst`), for images `b0 … b1-1`.
 */
function forRuns(g: WindowGeometry, b0: number, b1: number, run: (src: number, dst: number, length: number) => void): void {
  const { inH, inW, channels: c, kH, kW, outH, outW } = g;
  const imageSize = inH * inW * c;
  const k = kH * kW * c;
  const contiguous = g.dilationW === 1;
  let r = 0;
  for (let b = b0; b < b1; b++) {
    const base = b * imageSize;
    for (let oh = 0; oh < outH; oh++) {
      const [i0, i1] = inside(oh * g.strideH - g.padTop, kH, g.dilationH, inH);
      for (let ow = 0; ow < outW; ow++, r += k) {
        const w0 = ow * g.strideW - g.padLeft;
        const [j0, j1] = inside(w0, kW, g.dilationW, inW);
        if (j1 === j0) continue;
        for (let i = i0; i < i1; i++) {
          const row = base + (oh * g.strideH - g.padTop + i * g.dilationH) * inW * c;
          const dst = r + (i * kW + j0) * c;
          if (contiguous) {
            run(row + (w0 + j0) * c, dst, (j1 - j0) * c);
          } else {
            for (let j = j0; j < j1; j++) run(row + (w0 + j * g.dilationW) * c, dst + (j - j0) * c, c);
          }
        }
      }
    }
  }
}

/** The column matrix of images `b0 … b1-1` of `x`: `[(b1-b0)·outH·outW, kH·kW·C]`, zeros where the window reads padding. */
export function im2col(x: TypedArray, g: WindowGeometry, b0: number, b1: number, dtype: DType): TypedArray {
  const imageSize = g.inH * g.inW * g.channels;
  if (isPointwise(g)) return x.subarray(b0 * imageSize, b1 * imageSize);
  if (onWasm(dtype)) return im2colF32(x as Float32Array, g, b0, b1);
  const col = allocate(dtype, (b1 - b0) * g.outH * g.outW * g.kH * g.kW * g.channels);
  forRuns(g, b0, b1, (src, dst, length) => {
    for (let t = 0; t < length; t++) col[dst + t] = x[src + t];
  });
  return col;
}

/**
 * The adjoint of {@link im2col}: adds every entry of the column matrix of images `b0 … b1-1`
 * back onto the input element it was read from, into `dx` (the whole batch's input gradient).
 */
export function col2imAdd(col: TypedArray, dx: TypedArray, g: WindowGeometry, b0: number, b1: number): void {
  if (dx instanceof Float32Array && onWasm("float32")) return col2imAddF32(col as Float32Array, dx, g, b0, b1);
  forRuns(g, b0, b1, (src, dst, length) => {
    for (let t = 0; t < length; t++) dx[src + t] += col[dst + t];
  });
}
