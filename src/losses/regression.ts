/**
 * Regression losses with Keras' reductions: each row is reduced over the last axis, then the rows
 * are averaged. For the means (absolute error, Huber) that is the mean over every element.
 * @module
 */
import { describe, type Tensor, type TensorLike } from "../tensor/tensor.js";
import { checkOptionNames } from "../util/options.js";
import { abs, div, maximum, minimum, mul, neg, sqrt, square, sub, add } from "../ops/arithmetic.js";
import { mean, sum } from "../ops/reductions.js";
import { matched, predictions } from "./losses.js";

/**
 * Mean of `|yPred − yTrue|` (Keras' `mean_absolute_error`, `'mae'`).
 * @throws Error naming both shapes when they differ.
 * @example `gt.losses.meanAbsoluteError([[1, 2]], gt.tensor([[1.5, 1]]))` is 0.75
 */
export function meanAbsoluteError(yTrue: TensorLike, yPred: Tensor): Tensor {
  const [t, p] = matched("meanAbsoluteError", yTrue, yPred);
  return mean(abs(sub(p, t)));
}

/** Options of {@link huber}. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear, > 0 (default 1, as Keras and PyTorch). */
  delta?: number;
}

/**
 * Huber loss (Keras' `huber`, PyTorch's `HuberLoss`): with `e = |yPred − yTrue|`, each element
 * costs `e²/2` for `e ≤ delta` and `delta·(e − delta/2)` beyond, averaged.
 *
 * It is written as `q²/2 + delta·(e − q)` with `q = min(e, delta)`, as Keras does, so the
 * gradient is `yPred − yTrue` inside the band and `±delta` outside without a branch.
 * @throws Error for differing shapes, an unknown option, or a delta that is not a finite number > 0.
 * @example `gt.losses.huber(y, model.call(x), { delta: 0.5 })`
 */
export function huber(yTrue: TensorLike, yPred: Tensor, options: HuberOptions = {}): Tensor {
  const o = checkOptionNames("huber", options, ["delta"]);
  const delta = o.delta ?? 1;
  if (typeof delta !== "number" || !Number.isFinite(delta) || delta <= 0) throw new Error(`huber: delta must be a finite number > 0, got ${typeof delta === "number" ? delta : describe(delta)}`);
  const [t, p] = matched("huber", yTrue, yPred);
  const e = abs(sub(p, t));
  const q = minimum(e, delta);
  return mean(add(mul(0.5, square(q)), mul(delta, sub(e, q))));
}

/**
 * Keras' `cosine_similarity` loss: `−Σ ŷTrue·ŷPred` over the last axis, where `ŷ = y / ‖y‖`
 * (the norm floored at 1e-7, Keras 3's epsilon, so a zero row gives 0 rather than NaN), averaged
 * over the rows. It is −1 when the rows point the same way, so minimizing it aligns them.
 * @throws Error naming both shapes when they differ, or when yPred has no last axis.
 * @example `gt.losses.cosineSimilarity([[1, 0]], gt.tensor([[1, 1]]))` is −1/√2
 */
export function cosineSimilarity(yTrue: TensorLike, yPred: Tensor): Tensor {
  const [t, p] = matched("cosineSimilarity", yTrue, predictions("cosineSimilarity", yPred));
  return mean(neg(sum(mul(unitRows(t), unitRows(p)), -1)));
}

/**
 * Each row over the last axis divided by `max(‖row‖, 1e-7)`, Keras 3's `normalize`. The floor is
 * put on the squared norm (1e-14), which gives the same values without sqrt's infinite slope at 0.
 */
function unitRows(x: Tensor): Tensor {
  return div(x, sqrt(maximum(sum(square(x), -1, true), 1e-14)));
}
