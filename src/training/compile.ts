/**
 * `model.compile`: resolving the optimizer, the loss and the metrics by name, as Keras does.
 * @module
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { describe } from "../tensor/tensor.js";
import * as losses from "../losses/index.js";
import { accuracy } from "../losses/metrics.js";
import { Adam, Optimizer, RMSprop, SGD } from "../optim/index.js";
import { camelCase, checkOptions } from "../layers/options.js";

/** A loss or metric: true values and predictions in, a scalar out (the batch mean). */
export type LossOrMetricFn = (yTrue: TensorLike, yPred: Tensor) => Tensor;

/** The losses `compile` knows by name (Keras' snake_case and `'mse'` are accepted too). */
export type LossName =
  | "meanSquaredError" | "sparseCategoricalCrossentropy" | "categoricalCrossentropy" | "binaryCrossentropy"
  | "meanAbsoluteError" | "huber" | "kullbackLeiblerDivergence" | "hinge" | "cosineSimilarity";

/** Keras' other spellings of the loss names, accepted by `compile` (case-insensitive). */
export type LossAlias =
  | "mse" | "mean_squared_error" | "sparse_categorical_crossentropy" | "categorical_crossentropy" | "binary_crossentropy"
  | "mae" | "mean_absolute_error" | "kld" | "kl_divergence" | "kullback_leibler_divergence" | "cosine_similarity";

/** Options of `model.compile`. */
export interface CompileOptions {
  /** An optimizer (`new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 })`), or `'sgd'`, `'adam'`, `'rmsprop'` with defaults. */
  optimizer: Optimizer | "sgd" | "adam" | "rmsprop";
  /** A loss name, or a function `(yTrue, yPred) => scalar`. */
  loss: LossName | LossAlias | LossOrMetricFn;
  /** `'accuracy'` (or `'acc'`), a loss name, or functions; logged under their name (a function's `.name`). */
  metrics?: (string | LossOrMetricFn)[];
}

/** @internal What `compile` leaves on the model for `fit` and `evaluate`. */
export interface CompiledState {
  optimizer: Optimizer;
  loss: LossOrMetricFn;
  metrics: { name: string; fn: LossOrMetricFn }[];
}

const LOSSES: Record<LossName, LossOrMetricFn> = {
  meanSquaredError: losses.meanSquaredError,
  sparseCategoricalCrossentropy: (t, p) => losses.sparseCategoricalCrossentropy(t, p),
  categoricalCrossentropy: (t, p) => losses.categoricalCrossentropy(t, p),
  binaryCrossentropy: (t, p) => losses.binaryCrossentropy(t, p),
  meanAbsoluteError: losses.meanAbsoluteError,
  huber: (t, p) => losses.huber(t, p),
  kullbackLeiblerDivergence: losses.kullbackLeiblerDivergence,
  hinge: losses.hinge,
  cosineSimilarity: losses.cosineSimilarity,
};
/** Names that are not the camelCase of a loss name, lower-cased. */
const LOSS_ALIASES: Record<string, LossName> = {
  mse: "meanSquaredError",
  mae: "meanAbsoluteError",
  kld: "kullbackLeiblerDivergence",
  kl_divergence: "kullbackLeiblerDivergence",
  huber_loss: "huber",
};

/** The loss names {@link getLoss} knows. */
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/**
 * The loss function of a name: `'sparseCategoricalCrossentropy'`, `'sparse_categorical_crossentropy'`,
 * `'mse'`, … A function is returned as it is. Losses by name take probabilities (`fromLogits:
 * false`); for logits pass a function such as
 * `(y, p) => gt.losses.sparseCategoricalCrossentropy(y, p, { fromLogits: true })`.
 * @throws Error listing the known names when the name is unknown.
 * @example `const lossFn = getLoss("mse")`
 */
export function getLoss(loss: string | LossOrMetricFn): LossOrMetricFn {
  if (typeof loss === "function") return loss;
  const key = typeof loss === "string" ? (LOSS_ALIASES[loss.toLowerCase()] ?? camelCase(loss)) : undefined;
  if (key === undefined || !Object.hasOwn(LOSSES, key)) {
    throw new Error(`compile: unknown loss ${typeof loss === "string" ? JSON.stringify(loss) : describe(loss)}; known losses: ${LOSS_NAMES.join(", ")} (also 'mse', 'mae', 'kld' and Keras' snake_case names), or pass a function (yTrue, yPred) => scalar tensor`);
  }
  return LOSSES[key as LossName];
}

function getMetric(metric: string | LossOrMetricFn, index: number): { name: string; fn: LossOrMetricFn } {
  if (typeof metric === "function") return { name: metric.name || `metric_${index}`, fn: metric };
  if (metric === "accuracy" || metric === "acc") return { name: metric, fn: accuracy };
  if (typeof metric === "string") {
    try {
      return { name: metric, fn: getLoss(metric) };
    } catch {
      // fall through to the metric error, which lists the metric names
    }
  }
  throw new Error(`compile: unknown metric ${typeof metric === "string" ? JSON.stringify(metric) : describe(metric)}; known metrics: 'accuracy' (or 'acc'), the loss names (${LOSS_NAMES.join(", ")}), or a function (yTrue, yPred) => scalar tensor`);
}

function getOptimizer(optimizer: unknown): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  if (optimizer === "sgd") return new SGD();
  if (optimizer === "adam") return new Adam();
  if (optimizer === "rmsprop") return new RMSprop();
  throw new Error(`compile: optimizer must be an optimizer such as new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }) or one of 'sgd', 'adam', 'rmsprop', got ${typeof optimizer === "string" ? JSON.stringify(optimizer) : describe(optimizer)}`);
}

/**
 * @internal Checks and resolves `compile`'s options.
 * @throws Error for a missing optimizer or loss, or an unknown loss or metric (listing the known ones).
 */
export function compileModel(options: CompileOptions): CompiledState {
  checkOptions("compile", options, ["optimizer", "loss", "metrics"]);
  if (options === undefined) throw new Error("compile: options are required: model.compile({ optimizer, loss, metrics })");
  const optimizer = getOptimizer(options.optimizer);
  if (options.loss === undefined) throw new Error("compile: a loss is required, e.g. loss: 'sparseCategoricalCrossentropy'");
  const loss = getLoss(options.loss);
  const list = options.metrics ?? [];
  if (!Array.isArray(list)) throw new Error(`compile: metrics must be an array such as ['accuracy'], got ${describe(list)}`);
  const metrics = list.map(getMetric);
  const names = new Set<string>(["loss"]);
  for (const { name } of metrics) {
    if (names.has(name)) throw new Error(`compile: two metrics (or a metric and the loss) are both named '${name}'`);
    names.add(name);
  }
  return { optimizer, loss, metrics };
}
