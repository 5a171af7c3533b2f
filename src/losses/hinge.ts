/**
 * The hinge loss of support-vector machines, with Keras' label handling.
 * @module
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { maximum, mul, sub } from "../ops/arithmetic.js";
import { mean } from "../ops/reductions.js";
import { matched } from "./losses.js";

/**
 * Keras' `hinge`: the mean of `max(1 − yTrue·yPred, 0)`, for labels −1 and 1 and raw scores.
 * Labels that are all 0 or 1 are read as 0 → −1, 1 → 1 first, as Keras does, so the 0/1 labels
 * of a binary cross-entropy work unchanged; any other labels are used as they are.
 * @throws Error naming both shapes when they differ.
 * @example `gt.losses.hinge([[1, -1]], gt.tensor([[0.3, -2]]))` is (0.7 + 0) / 2
 */
export function hinge(yTrue: TensorLike, yPred: Tensor): Tensor {
  const [t, p] = matched("hinge", yTrue, yPred);
  return mean(maximum(sub(1, mul(signedLabels(t), p)), 0));
}

/** `2·y − 1` when every label is 0 or 1; the labels unchanged otherwise. */
function signedLabels(t: Tensor): Tensor {
  const v = t.values();
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== 1) return t;
  return sub(mul(t, 2), 1);
}
