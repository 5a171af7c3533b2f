/**
 * One step of training: the article's custom loop for a single batch. `fit` calls exactly this.
 * @module
 */
import { GradientTape } from "../autograd/tape.js";
import { describe, Tensor, type TensorLike, type Variable } from "../tensor/tensor.js";
import { nonFiniteGradients, Optimizer, zip } from "../optim/index.js";
import type { CallOptions } from "../layers/layer.js";

/**
 * What {@link trainStep} needs of a model: a forward pass and the variables to train. `X` is what
 * the forward pass takes and `P` what it returns (lists for a functional model with several
 * inputs or outputs).
 */
export interface TrainableModel<X = Tensor, P = Tensor> {
  /** The forward pass; `trainStep` calls it with `{ training: true }` inside the tape's `record`. */
  call(x: X, options?: CallOptions): P;
  /** The variables to differentiate and update, read after the forward pass (which may build them). */
  readonly trainableVariables: Variable[];
}

/** What {@link trainStep} returns. */
export interface TrainStepResult<P = Tensor> {
  /** The batch's loss (a scalar), computed before the update. */
  loss: Tensor;
  /** The model's outputs for the batch (training mode), for metrics. */
  predictions: P;
}

/**
 * Thrown when a batch's loss (or a gradient) is NaN or infinite. Its update was not applied, so
 * the weights and the optimizer's state are those after the previous batch.
 */
export class NonFiniteLossError extends Error {
  /** The loss of the batch (NaN or ±Infinity; finite when only a gradient was not). */
  readonly loss: number;
  /** The variables whose gradient was not finite (empty when the loss itself was not). */
  readonly variables: string[];
  /** The epoch (0-based, as callbacks count) when thrown by `fit`. */
  epoch: number | undefined;
  /** The batch within the epoch (0-based) when thrown by `fit`. */
  batch: number | undefined;

  /** @param message - what happened; `loss` and `variables` as above. */
  constructor(message: string, loss: number, variables: string[] = []) {
    super(message);
    this.name = "NonFiniteLossError";
    this.loss = loss;
    this.variables = variables;
  }
}

/**
 * Trains `model` on one batch — the article's loop, line for line:
 * ```ts
 * const tape = new GradientTape();
 * const loss = tape.record(() => lossFn(y, model.call(x, { training: true })));
 * const grads = tape.gradient(loss, model.trainableVariables);
 * optimizer.applyGradients(zip(grads, model.trainableVariables));
 * ```
 * plus one check: a loss or gradient that is NaN or infinite throws before anything is applied.
 *
 * @param model - anything with `call` and `trainableVariables`, such as a `Model`.
 * @param optimizer - updates the variables, e.g. `new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 })`.
 * @param lossFn - `(yTrue, yPred) => scalar`, e.g. `gt.losses.meanSquaredError` (for several
 * outputs, a function of the lists).
 * @param x - the batch's inputs.
 * @param y - the batch's targets.
 * @returns the loss (before the update) and the predictions.
 * @throws NonFiniteLossError when the loss or a gradient is not finite (nothing is applied);
 * Error when the loss is not a scalar or the model has no trainable variables.
 * @example
 * ```ts
 * const { loss } = gt.trainStep(model, optimizer, gt.losses.meanSquaredError, xBatch, yBatch);
 * ```
 */
export function trainStep<X = Tensor, Y = TensorLike, P = Tensor>(model: TrainableModel<X, P>, optimizer: Optimizer, lossFn: (yTrue: Y, yPred: P) => Tensor, x: X, y: Y): TrainStepResult<P> {
  if (model === null || typeof model !== "object" || typeof model.call !== "function") throw new Error(`trainStep: model must have call(x, options) and trainableVariables, such as a gt.sequential model; got ${describe(model)}`);
  if (!(optimizer instanceof Optimizer)) throw new Error(`trainStep: optimizer must be an optimizer such as new gt.optim.SGD({ learningRate: 0.1 }), got ${describe(optimizer)}`);
  if (typeof lossFn !== "function") throw new Error(`trainStep: lossFn must be a function (yTrue, yPred) => scalar tensor, such as gt.losses.meanSquaredError, got ${describe(lossFn)}`);
  const tape = new GradientTape();
  let predictions: P | undefined;
  const loss = tape.record(() => lossFn(y, (predictions = model.call(x, { training: true }))));
  // Read after the forward pass, which builds a model that had not seen an input yet.
  const variables = model.trainableVariables;
  if (variables.length === 0) throw new Error("trainStep: the model has no trainable variables (are all its layers frozen?)");
  if (!(loss instanceof Tensor) || loss.size !== 1) throw new Error(`trainStep: the loss function must return a scalar tensor, got ${describe(loss)}`);
  const value = loss.item();
  if (!Number.isFinite(value)) throw new NonFiniteLossError(`trainStep: the loss is ${value}; the gradients were not applied`, value);
  const grads = tape.gradient(loss, variables);
  const pairs = zip(grads, variables);
  const bad = nonFiniteGradients(pairs);
  if (bad.length > 0) throw new NonFiniteLossError(`trainStep: the gradients of ${bad.join(", ")} are not finite (the loss is ${value}); they were not applied`, value, bad);
  optimizer.applyGradients(pairs);
  return { loss, predictions: predictions as P };
}
