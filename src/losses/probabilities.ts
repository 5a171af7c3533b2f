/**
 * The check that stops a probability loss (`fromLogits: false`) given logits. Without it a model
 * whose last layer has no softmax, compiled with `'sparseCategoricalCrossentropy'`, trains on
 * clipped nonsense to chance accuracy with no warning; Keras and TF.js accept it silently.
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";

/**
 * How far a row's sum may be from 1 and still count as a distribution: a softmax row rounded to
 * float32 is off by at most a few ulps per class; logits are off by far more.
 */
function tolerance(classes: number): number {
  return 1e-4 + classes * 2 ** -23;
}

/**
 * @internal Throws unless every value of `p` lies in [0, 1] and, with `rows`, each slice along the
 * last axis sums to 1 (within {@link tolerance}). One pass over the values; NaN passes (the
 * non-finite checks of `fit` report it where it arose).
 * @param op - the loss, for the message.
 * @param rows - true for categorical losses, whose rows are distributions.
 * @throws Error naming the first offending value or row and `fromLogits: true`.
 */
export function checkProbabilities(op: string, p: Tensor, rows: boolean): void {
  const v = p.values();
  const classes = rows ? p.shape[p.rank - 1] : 1;
  const tol = tolerance(classes);
  for (let start = 0; start < v.length; start += classes) {
    let total = 0;
    for (let i = start; i < start + classes; i++) {
      const x = v[i];
      if (x < 0 || x > 1) fail(op, `yPred holds ${short(x)} ${rows ? `in row ${start / classes}, class ${i - start}` : `at position ${i}`}, outside [0, 1]`);
      total += x;
    }
    if (rows && Math.abs(total - 1) > tol) fail(op, `row ${start / classes} of yPred sums to ${short(total)}, not 1`);
  }
}

const short = (x: number): number => Number(x.toPrecision(6));

function fail(op: string, what: string): never {
  throw new Error(
    `${op}: ${what}, so yPred is not probabilities but looks like logits (a model without a softmax or sigmoid at the end); ` +
      `pass { fromLogits: true } (in compile: loss: (y, p) => gt.losses.${op}(y, p, { fromLogits: true })), or end the model with a ${op === "binaryCrossentropy" ? "sigmoid" : "softmax"}`,
  );
}
