/**
 * Metrics: functions of (yTrue, yPred) that report, not train.
 * @module
 */
import { fmt, shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike } from "../tensor/tensor.js";
import { cast, toTensor } from "../ops/lift.js";
import { argMax, equal, greater } from "../ops/compare.js";
import { mean } from "../ops/reductions.js";

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
