/**
 * Precision and recall of binary predictions. Over many batches they are ratios of counts summed
 * over all the batches (Keras' stateful metrics), which is not the mean of the batch ratios: `fit`
 * and `evaluate` accumulate {@link precisionCounts} and {@link recallCounts} for that.
 * @module
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { aligned, thresholdOption, type ThresholdOptions } from "./labels.js";

/** True positives, false positives and false negatives of one batch. */
interface Confusion {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Counts with Keras' rules: a score above the threshold predicts positive; any nonzero label is positive. */
function confusion(where: string, yTrue: TensorLike, yPred: Tensor, options: ThresholdOptions): Confusion {
  const threshold = thresholdOption(where, options);
  const [t, p] = aligned(where, yTrue, yPred);
  const labels = t.values();
  const scores = p.values();
  const c: Confusion = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i] > threshold;
    const actual = labels[i] !== 0;
    if (predicted && actual) c.truePositives++;
    else if (predicted) c.falsePositives++;
    else if (actual) c.falseNegatives++;
  }
  return c;
}

/** `a / b`, and 0 for 0/0, as Keras' `divide_no_nan`: no positive predictions give precision 0. */
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * @internal Precision as `[true positives, predicted positives]` of one batch, to be summed over an epoch.
 */
export function precisionCounts(yTrue: TensorLike, yPred: Tensor, options: ThresholdOptions = {}): [number, number] {
  const c = confusion("precision", yTrue, yPred, options);
  return [c.truePositives, c.truePositives + c.falsePositives];
}

/** @internal Recall as `[true positives, actual positives]` of one batch, to be summed over an epoch. */
export function recallCounts(yTrue: TensorLike, yPred: Tensor, options: ThresholdOptions = {}): [number, number] {
  const c = confusion("recall", yTrue, yPred, options);
  return [c.truePositives, c.truePositives + c.falseNegatives];
}

/**
 * Precision of binary predictions, `TP / (TP + FP)`, as a float32 scalar (0 when nothing is
 * predicted positive, as Keras). A score above `threshold` (default 0.5) predicts positive; a
 * nonzero label is positive. In `compile({ metrics: ['precision'] })` the counts are summed over
 * the epoch before dividing, as Keras' `Precision` metric does.
 * @throws Error naming both shapes when they do not line up (a trailing axis of 1 is ignored).
 * @example `gt.metrics.precision([1, 0, 1], gt.tensor([0.9, 0.8, 0.2]))` is 0.5
 */
export function precision(yTrue: TensorLike, yPred: Tensor, options: ThresholdOptions = {}): Tensor {
  return tensor(ratio(...precisionCounts(yTrue, yPred, options)));
}

/**
 * Recall of binary predictions, `TP / (TP + FN)`, as a float32 scalar (0 when no label is
 * positive). The rules and the epoch accumulation are those of {@link precision}.
 * @throws Error naming both shapes when they do not line up.
 * @example `gt.metrics.recall([1, 0, 1], gt.tensor([0.9, 0.8, 0.2]))` is 0.5
 */
export function recall(yTrue: TensorLike, yPred: Tensor, options: ThresholdOptions = {}): Tensor {
  return tensor(ratio(...recallCounts(yTrue, yPred, options)));
}
