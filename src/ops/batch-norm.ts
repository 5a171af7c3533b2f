/**
 * Batch normalization over the last axis as one op in training, with the batch's own moments:
 * one tape node instead of the dozen a composition records, and a backward in two sweeps. The
 * backward is the composition's own gradient; when a tape records it (higher-order gradients)
 * it is built from public ops on the recomputed statistics, so it differentiates again.
 * @module
 */
import { isRecording } from "../autograd/tape.js";
import { fromValues } from "../tensor/create.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { batchNormGrads, channelMoments, scaleShiftChannels } from "../kernels/batch-norm.js";
import { add, div, mul, sqrt, sub } from "./arithmetic.js";
import { output, toTensor } from "./lift.js";
import { mean as meanOp, sum } from "./reductions.js";

/** The result of {@link batchNormTraining}: the output and the batch statistics (constants). */
export interface BatchNormTrainingResult {
  y: Tensor;
  mean: Tensor;
  variance: Tensor;
}

/**
 * @internal `γ·(x − μ)/√(σ² + ε) + β` over the last axis, μ and σ² (biased) from `x` itself.
 * `gamma` and `beta` are `[channels]` of x's dtype, or undefined for 1 and 0.
 */
export function batchNormTraining(x: Tensor, gammaIn: TensorLike | undefined, betaIn: TensorLike | undefined, epsilon: number): BatchNormTrainingResult {
  // Variables are read here, which watches them on recording tapes.
  const gamma = gammaIn === undefined ? undefined : toTensor("batchNormalization", gammaIn, x.dtype, "gamma");
  const beta = betaIn === undefined ? undefined : toTensor("batchNormalization", betaIn, x.dtype, "beta");
  const channels = x.shape[x.rank - 1];
  const rows = x.size / channels;
  const xv = x.values();
  const { mean, variance } = channelMoments(xv, rows, channels);
  const invStd = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  const g = gamma?.values(), b = beta?.values();
  const scale = invStd.map((s, c) => (g === undefined ? s : g[c] * s));
  const shift = mean.map((m, c) => (b === undefined ? 0 : b[c]) - m * scale[c]);
  const values = scaleShiftChannels(xv, rows, channels, scale, shift, x.dtype);
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const y = output("batchNormalization", inputs, values, x.shape, x.dtype, (dy, needs) => {
    let dx: Tensor | null, dgamma: Tensor | null, dbeta: Tensor | null;
    if (!isRecording()) {
      const r = batchNormGrads(dy.values(), xv, rows, channels, mean, invStd, g, x.dtype);
      dx = fromValues(r.dx, x.shape, x.dtype);
      dgamma = fromValues(r.dgamma, [channels], x.dtype);
      dbeta = fromValues(r.dbeta, [channels], x.dtype);
    } else {
      [dx, dgamma, dbeta] = composedGrads(dy, x, gamma, epsilon);
    }
    const grads = [needs[0] ? dx : null];
    if (gamma) grads.push(needs[1] ? dgamma : null);
    if (beta) grads.push(needs[gamma ? 2 : 1] ? dbeta : null);
    return grads;
  });
  const stat = (v: Float64Array) => fromValues(x.dtype === "float64" ? v : Float32Array.from(v), [channels], x.dtype);
  return { y, mean: stat(mean), variance: stat(variance) };
}

/** The same gradients as public ops of x, γ and dy, for tapes that record the backward. */
function composedGrads(dy: Tensor, x: Tensor, gamma: Tensor | undefined, epsilon: number): [Tensor, Tensor, Tensor] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const n = x.size / x.shape[x.rank - 1];
  const centred = sub(x, meanOp(x, axes));
  const invStd = div(1, sqrt(add(meanOp(mul(centred, centred), axes), epsilon)));
  const xhat = mul(centred, invStd);
  const dbeta = sum(dy, axes);
  const dgamma = sum(mul(dy, xhat), axes);
  const k = gamma === undefined ? invStd : mul(gamma, invStd);
  const dx = mul(k, sub(sub(dy, div(dbeta, n)), mul(xhat, div(dgamma, n))));
  return [dx, dgamma, dbeta];
}
