/**
 * Losses, in Keras' argument order (true values first). Each returns the batch mean as a scalar.
 * Cross-entropies on logits go through log-softmax (log-sum-exp), so logits of ±1000 give exact,
 * finite losses and gradients; on probabilities they clip to [1e-7, 1 − 1e-7] as Keras does.
 * @module
 */
import { allocate } from "../tensor/dtype.js";
import { softmaxKernel } from "../kernels/softmax.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike } from "../tensor/tensor.js";
import { cast, output, toFloat, toTensor } from "../ops/lift.js";
import { abs, add, clipByValue, div, exp, log, maximum, mul, neg, square, sub } from "../ops/arithmetic.js";
import { logSoftmax, softmax } from "../ops/activations.js";
import { oneHot } from "../ops/compare.js";
import { mean, sum } from "../ops/reductions.js";
import { checkProbabilities } from "./probabilities.js";

/** Keras' epsilon: probabilities are clipped to [EPSILON, 1 − EPSILON] before the logarithm. */
export const EPSILON = 1e-7;

/** Options of the cross-entropy losses. */
export interface CrossentropyOptions {
  /** True when `yPred` holds logits rather than probabilities (default false). */
  fromLogits?: boolean;
}

/** A loss: true values and predictions in, the batch mean out. */
export type LossFn = (yTrue: TensorLike, yPred: Tensor) => Tensor;

/**
 * Mean of `(yPred − yTrue)²`.
 * @throws Error naming both shapes when they differ.
 * @example `gt.losses.meanSquaredError(y, model.call(x))`
 */
export function meanSquaredError(yTrue: TensorLike, yPred: Tensor): Tensor {
  const [t, p] = matched("meanSquaredError", yTrue, yPred);
  return mean(square(sub(p, t)));
}

/**
 * Cross-entropy between integer class labels `yTrue` ([batch]) and per-class scores `yPred`
 * ([batch, classes]).
 * With `fromLogits: false` (the default) `yPred` must hold probabilities: a softmax's rows.
 * @throws Error naming the label and the number of classes when a label is out of range; without
 * `fromLogits`, naming the value or row of `yPred` that is not a probability (outside [0, 1], or a
 * row that does not sum to 1): logits need `{ fromLogits: true }`.
 * @example `gt.losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true })`
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  const p = predictions("sparseCategoricalCrossentropy", yPred);
  const labels = toTensor("sparseCategoricalCrossentropy", yTrue, "int32", "yTrue");
  const classes = p.shape[p.rank - 1];
  if (!shapesEqual(labels.shape, p.shape.slice(0, -1))) {
    throw new Error(`sparseCategoricalCrossentropy: labels of shape ${fmt(labels.shape)} do not match predictions of shape ${fmt(p.shape)}; expected labels of shape ${fmt(p.shape.slice(0, -1))}`);
  }
  const ints = labels.dtype === "int32" ? labels : integerLabels(labels);
  const v = ints.values();
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] >= classes) {
      throw new Error(`sparseCategoricalCrossentropy: label ${v[i]} at position ${i} is out of range for ${classes} classes; expected 0 <= label < ${classes}`);
    }
  }
  if (logitsFlag("sparseCategoricalCrossentropy", options)) return sparseSoftmaxCrossentropy(ints, p);
  checkProbabilities("sparseCategoricalCrossentropy", p, true);
  return crossentropy(cast(oneHot(ints, classes), p.dtype), p, false);
}

/**
 * The batch mean of `−log softmax(x)[label]` over rows, as one op and one tape node instead of the
 * seven ops of `mean(−sum(oneHot · logSoftmax(x)))`. Its gradient, `(softmax(x) − oneHot) · dy / rows`,
 * is written with public ops, so it differentiates again.
 */
function sparseSoftmaxCrossentropy(labels: Tensor, logits: Tensor): Tensor {
  const classes = logits.shape[logits.rank - 1];
  const y = labels.values();
  const rows = y.length;
  // Log-probabilities in float64 from the shared kernel, which shifts each row by its maximum.
  const logProbs = softmaxKernel(logits.values(), rows, classes, 1, "float64", true);
  let total = 0;
  for (let r = 0; r < rows; r++) total -= logProbs[r * classes + y[r]];
  const values = allocate(logits.dtype, 1);
  values[0] = total / rows;
  return output("sparseSoftmaxCrossentropy", [labels, logits], values, [], logits.dtype, (dy) => [
    null,
    mul(sub(softmax(logits), cast(oneHot(labels, classes), logits.dtype)), div(dy, rows)),
  ]);
}

/**
 * Cross-entropy between one-hot (or probability) targets and per-class scores of the same shape.
 * With `fromLogits: false` (the default) `yPred` must hold probabilities: rows in [0, 1] summing to 1.
 * @throws Error naming both shapes when they differ, or, without `fromLogits`, the value or row of
 * `yPred` that is not a probability: logits need `{ fromLogits: true }`.
 * @example `gt.losses.categoricalCrossentropy(oneHotLabels, probabilities)`
 */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  const fromLogits = logitsFlag("categoricalCrossentropy", options);
  const [t, p] = matched("categoricalCrossentropy", yTrue, predictions("categoricalCrossentropy", yPred));
  if (!fromLogits) checkProbabilities("categoricalCrossentropy", p, true);
  return crossentropy(t, p, fromLogits);
}

function crossentropy(target: Tensor, p: Tensor, fromLogits: boolean): Tensor {
  const logProbs = fromLogits ? logSoftmax(p) : log(clipByValue(div(p, sum(p, -1, true)), EPSILON, 1 - EPSILON));
  return mean(neg(sum(mul(target, logProbs), -1)));
}

/**
 * Binary cross-entropy between 0/1 (or probability) targets and predictions of the same shape.
 * On logits it uses `max(x, 0) − x·z + log(1 + e^(−|x|))`, which never overflows.
 * @throws Error naming both shapes when they differ, or, without `fromLogits`, a value of `yPred`
 * outside [0, 1]: logits need `{ fromLogits: true }`.
 * @example `gt.losses.binaryCrossentropy(y, logits, { fromLogits: true })`
 */
export function binaryCrossentropy(yTrue: TensorLike, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  const fromLogits = logitsFlag("binaryCrossentropy", options);
  const [z, x] = matched("binaryCrossentropy", yTrue, predictions("binaryCrossentropy", yPred));
  if (fromLogits) return mean(add(sub(maximum(x, 0), mul(x, z)), log(add(1, exp(neg(abs(x)))))));
  checkProbabilities("binaryCrossentropy", x, false);
  const q = clipByValue(x, EPSILON, 1 - EPSILON);
  return mean(neg(add(mul(z, log(q)), mul(sub(1, z), log(sub(1, q))))));
}

/**
 * Kullback-Leibler divergence `Σ yTrue·log(yTrue / yPred)` over the last axis, averaged over the
 * rows (Keras' `kl_divergence`, `'kld'`). Both sides are clipped to [1e-7, 1] first, as Keras
 * does, so a zero in either gives a finite value (a zero target contributes ≈ 0).
 * @throws Error naming both shapes when they differ, or when yPred has no last axis.
 * @example `gt.losses.kld([[0.5, 0.5]], gt.tensor([[0.9, 0.1]]))` is 0.5·log(0.5/0.9) + 0.5·log(0.5/0.1)
 */
export function kullbackLeiblerDivergence(yTrue: TensorLike, yPred: Tensor): Tensor {
  const [t, p] = matched("kullbackLeiblerDivergence", yTrue, predictions("kullbackLeiblerDivergence", yPred));
  const tc = clipByValue(t, EPSILON, 1);
  return mean(sum(mul(tc, log(div(tc, clipByValue(p, EPSILON, 1)))), -1));
}

/** Keras' short name for {@link kullbackLeiblerDivergence}. */
export const kld = kullbackLeiblerDivergence;

/** The `fromLogits` option, checked: a misspelt `from_logits` would otherwise be ignored and train on the wrong loss. */
function logitsFlag(op: string, options: CrossentropyOptions): boolean {
  if (options === null || typeof options !== "object") throw new Error(`${op}: options must be an object such as { fromLogits: true }, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== "fromLogits") throw new Error(`${op}: unknown option '${key}'${key === "from_logits" ? " (did you mean 'fromLogits'?)" : ""}; known options: fromLogits`);
  }
  const flag = options.fromLogits ?? false;
  if (typeof flag !== "boolean") throw new Error(`${op}: fromLogits must be true or false, got ${describe(flag)}`);
  return flag;
}

/** @internal Float predictions with a last (class) axis. */
export function predictions(op: string, yPred: Tensor): Tensor {
  if (!(yPred instanceof Tensor)) throw new Error(`${op}: yPred must be a tensor, got ${describe(yPred)}`);
  const p = toFloat(op, yPred, "yPred");
  if (p.rank === 0 || p.shape[p.rank - 1] === 0) throw new Error(`${op}: yPred of shape ${fmt(p.shape)} has no last (class) axis to reduce; it needs rank >= 1 and a non-empty last axis`);
  return p;
}

/** @internal yTrue lifted to yPred's float dtype, both of one shape. */
export function matched(op: string, yTrue: TensorLike, yPred: Tensor): [Tensor, Tensor] {
  if (!(yPred instanceof Tensor)) throw new Error(`${op}: yPred must be a tensor, got ${describe(yPred)}`);
  const p = toFloat(op, yPred, "yPred");
  let t = toTensor(op, yTrue, p.dtype, "yTrue");
  if (t.dtype !== p.dtype) t = cast(t, p.dtype);
  if (!shapesEqual(t.shape, p.shape)) throw new Error(`${op}: yTrue has shape ${fmt(t.shape)} but yPred has shape ${fmt(p.shape)}; they must match`);
  return [t, p];
}

function integerLabels(labels: Tensor): Tensor {
  const v = labels.values();
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i])) throw new Error(`sparseCategoricalCrossentropy: label ${v[i]} at position ${i} is not an integer class index`);
  }
  return cast(labels, "int32");
}
