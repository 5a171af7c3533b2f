/**
 * im2col and col2im: a convolution becomes one matrix product once every output pixel's window
 * is laid out as a row. Row `r` of the column matrix belongs to output pixel (b, oh, ow) in
 * row-major order, and its columns run over (kh, kw, c) — the filter's own row-major order, so
 * the filter `[kH, kW, C, OC]` read as a `[kH·kW·C, OC]` matrix needs no copy.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import type { WindowGeometry } from "./geometry.js";

/** Whether the column matrix of this geometry is the input itself (1×1 window, stride 1, no padding). */
export function isPointwise(g: WindowGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0;
}

/** The column matrix of images `b0 … b1-1` of `x`: `[(b1-b0)·outH·outW, kH·kW·C]`, zeros where the window reads padding. */
export function im2col(x: TypedArray, g: WindowGeometry, b0: number, b1: number, dtype: DType): TypedArray {
  const { inH, inW, channels: c, kH, kW, outH, outW } = g;
  const imageSize = inH * inW * c;
  if (isPointwise(g)) return x.subarray(b0 * imageSize, b1 * imageSize);
  const k = kH * kW * c;
  const col = allocate(dtype, (b1 - b0) * outH * outW * k);
  let r = 0;
  for (let b = b0; b < b1; b++) {
    const base = b * imageSize;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, r += k) {
        let dst = r;
        for (let i = 0; i < kH; i++) {
          const ih = oh * g.strideH - g.padTop + i * g.dilationH;
          if (ih < 0 || ih >= inH) {
            dst += kW * c; // left as zeros
            continue;
          }
          for (let j = 0; j < kW; j++, dst += c) {
            const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
            if (iw < 0 || iw >= inW) continue;
            const src = base + (ih * inW + iw) * c;
            if (c === 1) col[dst] = x[src];
            else col.set(x.subarray(src, src + c), dst);
          }
        }
      }
    }
  }
  return col;
}

/**
 * The adjoint of {@link im2col}: adds every entry of the column matrix of images `b0 … b1-1`
 * back onto the input pixel it was read from, into `dx` (the whole batch's input gradient).
 */
export function col2imAdd(col: TypedArray, dx: TypedArray, g: WindowGeometry, b0: number, b1: number): void {
  const { inH, inW, channels: c, kH, kW, outH, outW } = g;
  const imageSize = inH * inW * c;
  const k = kH * kW * c;
  let r = 0;
  for (let b = b0; b < b1; b++) {
    const base = b * imageSize;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, r += k) {
        let src = r;
        for (let i = 0; i < kH; i++) {
          const ih = oh * g.strideH - g.padTop + i * g.dilationH;
          if (ih < 0 || ih >= inH) {
            src += kW * c;
            continue;
          }
          for (let j = 0; j < kW; j++, src += c) {
            const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
            if (iw < 0 || iw >= inW) continue;
            const dst = base + (ih * inW + iw) * c;
            for (let ch = 0; ch < c; ch++) dx[dst + ch] += col[src + ch];
          }
        }
      }
    }
  }
}
