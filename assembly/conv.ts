// Convolution and pooling data movement for float32 NHWC batches: im2col and its adjoint col2im,
// max pooling with its argmax and the argmax scatter, average pooling and its adjoint.
//
// This is a module of its own (built from this file alone, importing the matmul module's memory)
// so that each binary stays below the 4 KiB that older Chrome compiles synchronously on its main
// thread; the host runs im2col and the matmul on the same arena without copying in between.
//
// Every result equals src/kernels/conv/*.ts bit for bit: the copies and max are selections, and
// the sums add the same float32 (or, for average pooling, float64) values in the same order.
//
// The geometry arrives as a block of i32 at `g` (written by src/kernels/wasm/conv.ts), in this order:
// inH, inW, channels, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW.
//
// Whole vectors run past a run's end where that is harmless: im2col and the pooling forwards
// write their outputs in increasing address order, so a vector's extra lanes are overwritten by
// the next write, and the host leaves 16 bytes of slack after every array for the last one.
// The adjoints add into their outputs and so stop exactly at each run's end.

// @ts-ignore: decorator
@inline function geo(g: usize, field: i32): i32 {
  return load<i32>(g + (<usize>field << 2));
}

// The first tap inside the image for a window starting at `start` (ceil(-start / dilation)).
// @ts-ignore: decorator
@inline function tapsFrom(start: i32, dilation: i32): i32 {
  return start >= 0 ? 0 : (dilation - 1 - start) / dilation;
}

// One past the last tap inside [0, size): division truncates, so a window starting past the
// image's end is handled before dividing.
// @ts-ignore: decorator
@inline function tapsTo(start: i32, k: i32, dilation: i32, size: i32, from: i32): i32 {
  const room = size - 1 - start;
  return room < 0 ? from : max(from, min(k, room / dilation + 1));
}

// @ts-ignore: decorator
@inline function copyRun(src: usize, dst: usize, bytes: usize): usize {
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, v128.load(src + o));
  return dst + bytes;
}

// @ts-ignore: decorator
@inline function zeroRun(dst: usize, bytes: usize): usize {
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, zero);
  return dst + bytes;
}

// dst[0 .. bytes/4) += src[...], exactly to the run's end.
// @ts-ignore: decorator
@inline function addRun(src: usize, dst: usize, bytes: usize): void {
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  for (; o < bytes; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
}

/**
 * Writes the column matrix of images b0 … b1-1 of x to col: one row of kH·kW·C floats per output
 * pixel, zeros where the window reads padding.
 */
export function im2colF32(x: usize, col: usize, g: usize, b0: i32, b1: i32): void {
  const inH = geo(g, 0), inW = geo(g, 1), kH = geo(g, 3), kW = geo(g, 4);
  const sH = geo(g, 5), sW = geo(g, 6), dH = geo(g, 7), dW = geo(g, 8);
  const cB = <usize>geo(g, 2) << 2;
  const rowB = <usize>inW * cB;
  const imageB = <usize>inH * rowB;
  let dst = col;
  for (let b = b0; b < b1; b++) {
    const image = x + <usize>b * imageB;
    for (let oh = 0; oh < geo(g, 11); oh++) {
      const h0 = oh * sH - geo(g, 9);
      const i0 = tapsFrom(h0, dH), i1 = tapsTo(h0, kH, dH, inH, i0);
      for (let ow = 0; ow < geo(g, 12); ow++) {
        const w0 = ow * sW - geo(g, 10);
        const j0 = tapsFrom(w0, dW), j1 = tapsTo(w0, kW, dW, inW, j0);
        for (let i = 0; i < kH; i++) {
          if (i < i0 || i >= i1 || j0 == j1) {
            dst = zeroRun(dst, <usize>kW * cB);
            continue;
          }
          const row = image + <usize>(h0 + i * dH) * rowB;
          dst = zeroRun(dst, <usize>j0 * cB);
          if (dW == 1) dst = copyRun(row + <usize>(w0 + j0) * cB, dst, <usize>(j1 - j0) * cB);
          else for (let j = j0; j < j1; j++) dst = copyRun(row + <usize>(w0 + j * dW) * cB, dst, cB);
          dst = zeroRun(dst, <usize>(kW - j1) * cB);
        }
      }
    }
  }
}

/** The adjoint of im2colF32: adds every entry of the column matrix of images b0 … b1-1 onto dx. */
export function col2imAddF32(col: usize, dx: usize, g: usize, b0: i32, b1: i32): void {
  const inH = geo(g, 0), inW = geo(g, 1), kH = geo(g, 3), kW = geo(g, 4);
  const sH = geo(g, 5), sW = geo(g, 6), dH = geo(g, 7), dW = geo(g, 8);
  const cB = <usize>geo(g, 2) << 2;
  const rowB = <usize>inW * cB;
  const imageB = <usize>inH * rowB;
  const kB = <usize>(kH * kW) * cB;
  let src = col;
  for (let b = b0; b < b1; b++) {
    const image = dx + <usize>b * imageB;
    for (let oh = 0; oh < geo(g, 11); oh++) {
      const h0 = oh * sH - geo(g, 9);
      const i0 = tapsFrom(h0, dH), i1 = tapsTo(h0, kH, dH, inH, i0);
      for (let ow = 0; ow < geo(g, 12); ow++, src += kB) {
        const w0 = ow * sW - geo(g, 10);
        const j0 = tapsFrom(w0, dW), j1 = tapsTo(w0, kW, dW, inW, j0);
        for (let i = i0; i < i1; i++) {
          const row = image + <usize>(h0 + i * dH) * rowB;
          const from = src + <usize>(i * kW + j0) * cB;
          if (dW == 1) addRun(from, row + <usize>(w0 + j0) * cB, <usize>(j1 - j0) * cB);
          else for (let j = j0; j < j1; j++) addRun(from + <usize>(j - j0) * cB, row + <usize>(w0 + j * dW) * cB, cB);
        }
      }
    }
  }
}

/**
 * Max pooling of `batch` images: values[o] the window's maximum per channel and argmax[o] the flat
 * element index of x it came from, the first on ties; a NaN, once met, wins and stays.
 */
export function maxPoolF32(x: usize, values: usize, argmax: usize, g: usize, batch: i32): void {
  const inH = geo(g, 0), inW = geo(g, 1), c = geo(g, 2), kH = geo(g, 3), kW = geo(g, 4);
  const sH = geo(g, 5), sW = geo(g, 6);
  const lanes = i32x4(0, 1, 2, 3);
  let o: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < geo(g, 11); oh++) {
      const h0 = oh * sH - geo(g, 9);
      const i0 = tapsFrom(h0, 1), i1 = tapsTo(h0, kH, 1, inH, i0);
      for (let ow = 0; ow < geo(g, 12); ow++, o += <usize>c << 2) {
        const w0 = ow * sW - geo(g, 10);
        const j0 = tapsFrom(w0, 1), j1 = tapsTo(w0, kW, 1, inW, j0);
        const first = ((b * inH + h0 + i0) * inW + w0 + j0) * c;
        for (let ch = 0; ch < c; ch += 4) {
          let at = i32x4.add(i32x4.splat(first + ch), lanes);
          let best = v128.load(x + (<usize>(first + ch) << 2));
          for (let i = i0; i < i1; i++) {
            for (let j = j0; j < j1; j++) {
              const e = ((b * inH + h0 + i) * inW + w0 + j) * c + ch;
              const v = v128.load(x + (<usize>e << 2));
              // Taking v where it is larger or NaN, unless the best so far is already NaN.
              const take = v128.and(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), f32x4.eq(best, best));
              best = v128.bitselect(v, best, take);
              at = v128.bitselect(i32x4.add(i32x4.splat(e), lanes), at, take);
            }
          }
          v128.store(values + o + (<usize>ch << 2), best);
          v128.store(argmax + o + (<usize>ch << 2), at);
        }
      }
    }
  }
}

/** out[index[k]] += values[k] for k = 0 … n-1, in order, after zeroing `size` floats of out. */
export function scatterAddF32(values: usize, index: usize, out: usize, n: i32, size: i32): void {
  memory.fill(out, 0, <usize>size << 2);
  for (let k = 0; k < n; k++) {
    const p = out + (<usize>load<i32>(index + (<usize>k << 2)) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(values + (<usize>k << 2)));
  }
}

/**
 * Average pooling of `batch` images over each window's real pixels, summed in float64 from the
 * first tap and divided once, as src/kernels/conv/pool.ts does; two channels per f64x2.
 */
export function avgPoolF32(x: usize, values: usize, g: usize, batch: i32): void {
  const inH = geo(g, 0), inW = geo(g, 1), c = geo(g, 2), kH = geo(g, 3), kW = geo(g, 4);
  const sH = geo(g, 5), sW = geo(g, 6);
  let o: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < geo(g, 11); oh++) {
      const h0 = oh * sH - geo(g, 9);
      const i0 = tapsFrom(h0, 1), i1 = tapsTo(h0, kH, 1, inH, i0);
      for (let ow = 0; ow < geo(g, 12); ow++, o += <usize>c << 2) {
        const w0 = ow * sW - geo(g, 10);
        const j0 = tapsFrom(w0, 1), j1 = tapsTo(w0, kW, 1, inW, j0);
        const count = f64x2.splat(<f64>((i1 - i0) * (j1 - j0)));
        for (let ch = 0; ch < c; ch += 2) {
          let s = f64x2.splat(0);
          for (let i = i0; i < i1; i++) {
            for (let j = j0; j < j1; j++) {
              const e = ((b * inH + h0 + i) * inW + w0 + j) * c + ch;
              s = f64x2.add(s, f64x2.promote_low_f32x4(v128.load64_zero(x + (<usize>e << 2))));
            }
          }
          v128.store64_lane(values + o + (<usize>ch << 2), f32x4.demote_f64x2_zero(f64x2.div(s, count)), 0);
        }
      }
    }
  }
}

/**
 * The adjoint of avgPoolF32: each output's gradient divided by its window's pixel count (in
 * float64) and added onto those pixels of dx (zeroed here, `batch` images), window by window.
 */
export function avgPoolBackwardF32(dy: usize, dx: usize, g: usize, batch: i32): void {
  const inH = geo(g, 0), inW = geo(g, 1), c = geo(g, 2), kH = geo(g, 3), kW = geo(g, 4);
  const sH = geo(g, 5), sW = geo(g, 6);
  const pairs = c & ~1;
  memory.fill(dx, 0, <usize>(batch * inH * inW * c) << 2);
  let o: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < geo(g, 11); oh++) {
      const h0 = oh * sH - geo(g, 9);
      const i0 = tapsFrom(h0, 1), i1 = tapsTo(h0, kH, 1, inH, i0);
      for (let ow = 0; ow < geo(g, 12); ow++, o += <usize>c << 2) {
        const w0 = ow * sW - geo(g, 10);
        const j0 = tapsFrom(w0, 1), j1 = tapsTo(w0, kW, 1, inW, j0);
        const n = <f64>((i1 - i0) * (j1 - j0));
        const count = f64x2.splat(n);
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) {
            const p = dx + (<usize>(((b * inH + h0 + i) * inW + w0 + j) * c) << 2);
            let ch = 0;
            for (; ch < pairs; ch += 2) {
              const off = <usize>ch << 2;
              const share = f64x2.div(f64x2.promote_low_f32x4(v128.load64_zero(dy + o + off)), count);
              const sum = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(p + off)), share);
              v128.store64_lane(p + off, f32x4.demote_f64x2_zero(sum), 0);
            }
            if (ch < c) {
              const off = <usize>ch << 2;
              store<f32>(p + off, <f32>(<f64>load<f32>(p + off) + <f64>load<f32>(dy + o + off) / n));
            }
          }
        }
      }
    }
  }
}
