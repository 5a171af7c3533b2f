/**
 * Lining up labels with predictions for the metrics, as Keras does before comparing them.
 * @module
 */
import { fmt, shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike } from "../tensor/tensor.js";
import { cast, toFloat, toTensor } from "../ops/lift.js";
import { reshape } from "../ops/shape.js";
import { checkOptionNames } from "../util/options.js";

/** Options of the metrics that turn scores into 0/1 predictions. */
export interface ThresholdOptions {
  /** Scores above it count as positive (default 0.5, as Keras). */
  threshold?: number;
}

/** @internal The `threshold` option of the binary metrics: a finite number, 0.5 by default. */
export function thresholdOption(where: string, options: ThresholdOptions): number {
  const threshold = checkOptionNames(where, options, ["threshold"]).threshold ?? 0.5;
  if (typeof threshold !== "number" || !Number.isFinite(threshold)) throw new Error(`${where}: threshold must be a finite number, got ${typeof threshold === "number" ? threshold : describe(threshold)}`);
  return threshold;
}

/**
 * @internal Labels and predictions of one shape, as Keras' `squeeze_or_expand_to_same_rank`:
 * a trailing axis of size 1 on either side is ignored. The labels take the predictions' dtype.
 */
export function aligned(where: string, yTrue: TensorLike, yPred: Tensor): [Tensor, Tensor] {
  const p = checkedPredictions(where, yPred);
  let t = toTensor(where, yTrue, p.dtype, "yTrue");
  const fits = (a: readonly number[], b: readonly number[]) => a.length === b.length + 1 && a[a.length - 1] === 1 && shapesEqual(a.slice(0, -1), b);
  if (!shapesEqual(t.shape, p.shape)) {
    if (!fits(p.shape, t.shape) && !fits(t.shape, p.shape)) {
      throw new Error(`${where}: yTrue has shape ${fmt(t.shape)} but yPred has shape ${fmt(p.shape)}; they must match (up to a trailing axis of size 1)`);
    }
    t = reshape(t, p.shape);
  }
  return [t.dtype === p.dtype ? t : cast(t, p.dtype), p];
}

/** @internal The predictions as a float tensor. */
export function checkedPredictions(where: string, yPred: Tensor): Tensor {
  if (!(yPred instanceof Tensor)) throw new Error(`${where}: yPred must be a tensor of predictions, got ${describe(yPred)}`);
  return toFloat(where, yPred, "yPred");
}
