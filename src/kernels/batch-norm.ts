/**
 * Batch normalization over the channels of a `[rows, channels]` row-major view (any NHWC batch
 * is one): the per-channel moments, the normalization as one multiply-add per element, and the
 * first-order backward step in two sweeps. Sums accumulate in float64.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";

/** The mean and the biased variance of each channel (two passes: the mean first, then squared deviations). */
export function channelMoments(x: TypedArray, rows: number, channels: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) mean[c] += x[base + c];
  }
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) {
      const d = x[base + c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (let c = 0; c < channels; c++) variance[c] /= rows;
  return { mean, variance };
}

/** `y = x·scale + shift`, per channel. */
export function scaleShiftChannels(x: TypedArray, rows: number, channels: number, scale: ArrayLike<number>, shift: ArrayLike<number>, dtype: DType): TypedArray {
  const y = allocate(dtype, rows * channels);
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) y[base + c] = x[base + c] * scale[c] + shift[c];
  }
  return y;
}

/**
 * The gradients of `y = γ·(x − μ)/√(σ² + ε) + β` with μ and σ² the batch's own moments:
 * dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/√(σ² + ε) · (dy − dβ/n − x̂·dγ/n) with x̂ the normalized input.
 */
export function batchNormGrads(dy: TypedArray, x: TypedArray, rows: number, channels: number, mean: Float64Array, invStd: Float64Array, gamma: ArrayLike<number> | undefined, dtype: DType): { dx: TypedArray; dgamma: TypedArray; dbeta: TypedArray } {
  const sumDy = new Float64Array(channels);
  const sumDyXhat = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) {
      const g = dy[base + c];
      sumDy[c] += g;
      sumDyXhat[c] += g * (x[base + c] - mean[c]) * invStd[c];
    }
  }
  const k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) k[c] = (gamma === undefined ? 1 : gamma[c]) * invStd[c];
  const dx = allocate(dtype, rows * channels);
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) {
      const xhat = (x[base + c] - mean[c]) * invStd[c];
      dx[base + c] = k[c] * (dy[base + c] - sumDy[c] / rows - xhat * sumDyXhat[c] / rows);
    }
  }
  const dgamma = allocate(dtype, channels);
  const dbeta = allocate(dtype, channels);
  dgamma.set(sumDyXhat);
  dbeta.set(sumDy);
  return { dx, dgamma, dbeta };
}
