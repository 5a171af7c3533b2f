/**
 * The mean and variance over some axes, as TensorFlow's `tf.nn.moments`: what batch
 * normalization computes for every batch.
 * @module
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { normalizeAxes } from "../tensor/shape.js";
import { square, sub } from "./arithmetic.js";
import { toFloat } from "./lift.js";
import { checkReducible, mean, type Axis } from "./reductions.js";
import { reshape } from "./shape.js";

/** The result of {@link moments}. */
export interface Moments {
  /** The mean over the axes. */
  mean: Tensor;
  /** The biased variance: the mean squared deviation, divided by n (not n − 1). */
  variance: Tensor;
}

/**
 * The mean and the biased variance of `x` over `axes`; both differentiable.
 * @param axes - one axis or several (negative counts from the end); all axes when omitted.
 * @param keepDims - keep the reduced axes with size 1 (default false).
 * @example `gt.moments(x, [0, 1, 2])` gives one mean and variance per channel of an NHWC batch.
 */
export function moments(x: TensorLike, axes?: Axis, keepDims = false): Moments {
  const t = toFloat("moments", x);
  const reduced = normalizeAxes("moments", axes, t.rank);
  checkReducible("moments", t.shape, reduced);
  const centre = mean(t, reduced, true);
  const variance = mean(square(sub(t, centre)), reduced, keepDims);
  return { mean: keepDims ? centre : reshape(centre, variance.shape), variance };
}
