/**
 * Metrics: functions of (yTrue, yPred) that report, not train. Each returns its value over the
 * batch as a float32 scalar; `compile` accumulates them over an epoch (see `precision`).
 * @module
 */
import { fmt, shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { cast, toTensor } from "../ops/lift.js";
import { argMax, equal, greater } from "../ops/compare.js";
import { mean } from "../ops/reductions.js";
import { reshape } from "../ops/shape.js";
import { checkOptionNames } from "../util/options.js";
import { aligned, checkedPredictions, thresholdOption, type ThresholdOptions } from "./labels.js";

export { meanSquaredError, meanSquaredError as mse } from "./losses.js";
export { meanAbsoluteError, meanAbsoluteError as mae } from "./regression.js";
export { precision, recall } from "./confusion.js";
export type { ThresholdOptions } from "./labels.js";

/**
 * The fraction of correct predictions, as a float32 scalar. It reads the labels the way Keras'
 * `'accuracy'` does: integer labels one rank below `yPred` are compared with `argMax(yPred)`;
 * one-hot labels of `yPred`'s shape with `argMax` of both; for a single output column,
 * predictions above 0.5 count as class 1.
 * @throws Error naming both shapes when they fit none of these.
 * @example `gt.metrics.accuracy(labels, model.predict(x)).item()`
 */
export function accuracy(yTrue: TensorLike, yPred: Tensor): Tensor {
  if (!(yPred instanceof Tensor)) throw new Error(`accuracy: yPred must be a tensor of predictions, got ${describe(yPred)}`);
  const t = toTensor("accuracy", yTrue, "int32", "yTrue");
  const last = yPred.shape[yPred.rank - 1];
  let hits: Tensor;
  if (shapesEqual(t.shape, yPred.shape)) {
    hits = last === 1 ? equal(greater(yPred, 0.5), cast(greater(t, 0.5), "int32")) : equal(argMax(t, -1), argMax(yPred, -1));
  } else if (shapesEqual(t.shape, yPred.shape.slice(0, -1))) {
    hits = equal(cast(t, "int32"), argMax(yPred, -1));
  } else {
    throw new Error(`accuracy: labels of shape ${fmt(t.shape)} do not fit predictions of shape ${fmt(yPred.shape)}; expected ${fmt(yPred.shape.slice(0, -1))} (class indices) or ${fmt(yPred.shape)} (one-hot)`);
  }
  return cast(mean(hits), "float32");
}

/** Options of {@link sparseTopKCategoricalAccuracy}. */
export interface TopKOptions {
  /** How many of the highest scores count as a hit (default 5, as Keras). */
  k?: number;
}

/**
 * Keras' `binary_accuracy`: the fraction of elements where `yPred > threshold` (as 0 or 1) equals
 * `yTrue`. Labels `[n]` against predictions `[n, 1]` (or the reverse) are lined up, as Keras does.
 * @throws Error naming both shapes when they do not line up, or for a threshold that is not finite.
 * @example `gt.metrics.binaryAccuracy([1, 0], gt.tensor([[0.7], [0.6]]))` is 0.5
 */
export function binaryAccuracy(yTrue: TensorLike, yPred: Tensor, options: ThresholdOptions = {}): Tensor {
  const threshold = thresholdOption("binaryAccuracy", options);
  const [t, p] = aligned("binaryAccuracy", yTrue, yPred);
  return cast(mean(equal(t, cast(greater(p, threshold), t.dtype))), "float32");
}

/**
 * Keras' `categorical_accuracy`: the fraction of rows whose `argMax` agrees between one-hot
 * `yTrue` and `yPred` of the same shape.
 * @throws Error naming both shapes when they differ.
 * @example `gt.metrics.categoricalAccuracy([[0, 1], [1, 0]], gt.tensor([[0.2, 0.8], [0.3, 0.7]]))` is 0.5
 */
export function categoricalAccuracy(yTrue: TensorLike, yPred: Tensor): Tensor {
  const p = checkedPredictions("categoricalAccuracy", yPred);
  const t = toTensor("categoricalAccuracy", yTrue, p.dtype, "yTrue");
  if (!shapesEqual(t.shape, p.shape) || p.rank === 0) {
    throw new Error(`categoricalAccuracy: yTrue has shape ${fmt(t.shape)} but yPred has shape ${fmt(p.shape)}; expected one-hot labels of yPred's shape (for class indices use sparse metrics or 'accuracy')`);
  }
  return cast(mean(equal(argMax(t, -1), argMax(p, -1))), "float32");
}

/**
 * Keras' `sparse_top_k_categorical_accuracy`: the fraction of rows whose label is among the `k`
 * highest scores of `yPred` (`[batch, classes]`; labels `[batch]` or `[batch, 1]`). Ties at the
 * boundary count as hits, as TensorFlow's `in_top_k`: a label is a hit when fewer than `k` classes
 * score strictly higher; a NaN score is never a hit.
 * @throws Error for labels that do not fit `yPred`, are not integers in range, or a `k` that is not a positive integer.
 * @example `gt.metrics.sparseTopKCategoricalAccuracy([2], gt.tensor([[0.1, 0.5, 0.4]]), { k: 2 })` is 1
 */
export function sparseTopKCategoricalAccuracy(yTrue: TensorLike, yPred: Tensor, options: TopKOptions = {}): Tensor {
  const where = "sparseTopKCategoricalAccuracy";
  const k = checkOptionNames(where, options, ["k"]).k ?? 5;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1) throw new Error(`${where}: k must be a positive integer, got ${typeof k === "number" ? k : describe(k)}`);
  const p = checkedPredictions(where, yPred);
  if (p.rank !== 2) throw new Error(`${where}: yPred must be [batch, classes], got shape ${fmt(p.shape)}`);
  const [rows, classes] = p.shape;
  let t = toTensor(where, yTrue, "int32", "yTrue");
  if (shapesEqual(t.shape, [rows, 1])) t = reshape(t, [rows]);
  if (!shapesEqual(t.shape, [rows])) throw new Error(`${where}: labels of shape ${fmt(t.shape)} do not fit predictions of shape ${fmt(p.shape)}; expected [${rows}] or [${rows}, 1]`);
  const labels = t.values();
  const scores = p.values();
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`${where}: label ${label} at position ${r} is not a class index in [0, ${classes})`);
    const target = scores[r * classes + label];
    if (Number.isNaN(target)) continue;
    let higher = 0;
    for (let c = 0; c < classes; c++) if (scores[r * classes + c] > target) higher++;
    if (higher < k) hits++;
  }
  return tensor(rows === 0 ? Number.NaN : hits / rows);
}
