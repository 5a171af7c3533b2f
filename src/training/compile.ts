/**
 * `model.compile`: resolving the optimizer, the loss and the metrics by name, as Keras does.
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { describe } from "../tensor/tensor.js";
import * as losses from "../losses/index.js";
import * as metricFns from "../losses/metrics.js";
import { precisionCounts, recallCounts } from "../losses/confusion.js";
import { Adadelta, Adagrad, Adam, Adamax, AdamW, Optimizer, RMSprop, SGD } from "../optim/index.js";
import { camelCase, checkOptions } from "../layers/options.js";

/**
 * A loss or metric: true values and predictions in, a scalar out (the batch mean). `fit` and
 * `evaluate` pass the targets as a tensor (a batch of `y`), so a function of two tensors fits, and
 * so does every `gt.losses` function (which also takes plain arrays).
 */
export type LossOrMetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** The optimizers `compile` knows by name (Keras' names), each with its defaults. */
export type OptimizerName = "sgd" | "adam" | "rmsprop" | "adagrad" | "adadelta" | "adamax" | "adamw";

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
  /** An optimizer (`new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 })`), or a name for one with its defaults. */
  optimizer: Optimizer | OptimizerName;
  /**
   * A loss name, or a function `(yTrue, yPred) => scalar`. For a model with several outputs: one
   * loss for every output, a list (one per output, in order), or a record by output name (the
   * name of the layer producing it; an output left out has no loss). `fit` minimizes the sum.
   */
  loss: LossSpec | readonly LossSpec[] | Readonly<Record<string, LossSpec>>;
  /**
   * Metric names (`'accuracy'` or `'acc'`, `'binaryAccuracy'`, `'categoricalAccuracy'`,
   * `'sparseTopKCategoricalAccuracy'`, `'precision'`, `'recall'`, a loss name such as `'mse'` or
   * `'mae'`, each also in Keras' snake_case) or functions; logged under the name given (a
   * function's `.name`). For a model with several outputs, a list applies to every output (logged
   * as `<output>_<metric>`), a record by output name to the outputs it names.
   */
  metrics?: MetricSpec[] | Readonly<Record<string, MetricSpec[]>>;
}

/** One metric: a name or a function. */
export type MetricSpec = MetricName | LossName | LossAlias | (string & {}) | LossOrMetricFn;

/** One loss: a name or a function. */
export type LossSpec = LossName | LossAlias | LossOrMetricFn;

/** The metrics `compile` knows by name besides the losses (Keras' snake_case is accepted too). */
export type MetricName = "accuracy" | "acc" | "binaryAccuracy" | "categoricalAccuracy" | "sparseTopKCategoricalAccuracy" | "precision" | "recall";

/**
 * @internal A compiled metric. `counts` gives a batch's `[numerator, denominator]`; an epoch's
 * value is Σnumerator / Σdenominator (0 when Σdenominator is 0). For a mean metric that is
 * `[batch value · rows, rows]`, the mean over samples; for precision and recall, the counts.
 */
export interface CompiledMetric {
  name: string;
  fn: LossOrMetricFn;
  counts: (yTrue: Tensor, yPred: Tensor) => [number, number];
}

/** @internal What `compile` leaves on the model for `fit` and `evaluate`. */
export interface CompiledState {
  optimizer: Optimizer;
  /** One loss for every output, one per output, or a record by output name. */
  loss: LossOrMetricFn | LossOrMetricFn[] | Record<string, LossOrMetricFn>;
  /** The metrics of every output, or a record by output name. */
  metrics: CompiledMetric[] | Record<string, CompiledMetric[]>;
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

/** Metrics by name with their epoch accumulation; mean metrics are weighted by rows. */
const METRICS: Record<Exclude<MetricName, "acc">, { fn: LossOrMetricFn; counts?: CompiledMetric["counts"] }> = {
  accuracy: { fn: metricFns.accuracy },
  binaryAccuracy: { fn: (t, p) => metricFns.binaryAccuracy(t, p) },
  categoricalAccuracy: { fn: metricFns.categoricalAccuracy },
  sparseTopKCategoricalAccuracy: { fn: (t, p) => metricFns.sparseTopKCategoricalAccuracy(t, p) },
  precision: { fn: (t, p) => metricFns.precision(t, p), counts: (t, p) => precisionCounts(t, p) },
  recall: { fn: (t, p) => metricFns.recall(t, p), counts: (t, p) => recallCounts(t, p) },
};

/** The metric names {@link getMetric} knows besides the losses. */
const METRIC_NAMES = Object.keys(METRICS);

/** A batch mean as ratio parts: its value times the batch's rows, over the rows. */
function meanCounts(fn: LossOrMetricFn): CompiledMetric["counts"] {
  return (t, p) => {
    const rows = p.rank === 0 ? 1 : p.shape[0];
    return [fn(t, p).item() * rows, rows];
  };
}

function getMetric(metric: string | LossOrMetricFn, index: number): CompiledMetric {
  if (typeof metric === "function") return { name: metric.name || `metric_${index}`, fn: metric, counts: meanCounts(metric) };
  if (typeof metric === "string") {
    const key = metric.toLowerCase() === "acc" ? "accuracy" : camelCase(metric);
    if (Object.hasOwn(METRICS, key)) {
      const { fn, counts } = METRICS[key as keyof typeof METRICS];
      return { name: metric, fn, counts: counts ?? meanCounts(fn) };
    }
    try {
      const fn = getLoss(metric);
      return { name: metric, fn, counts: meanCounts(fn) };
    } catch {
      // fall through to the metric error, which lists the metric names
    }
  }
  throw new Error(`compile: unknown metric ${typeof metric === "string" ? JSON.stringify(metric) : describe(metric)}; known metrics: 'accuracy' (or 'acc'), ${METRIC_NAMES.filter((n) => n !== "accuracy").map((n) => `'${n}'`).join(", ")} (also in Keras' snake_case), the loss names (${LOSS_NAMES.join(", ")}, 'mse', 'mae'), or a function (yTrue, yPred) => scalar tensor`);
}

const OPTIMIZERS: Record<OptimizerName, () => Optimizer> = {
  sgd: () => new SGD(), adam: () => new Adam(), rmsprop: () => new RMSprop(), adagrad: () => new Adagrad(),
  adadelta: () => new Adadelta(), adamax: () => new Adamax(), adamw: () => new AdamW(),
};

function getOptimizer(optimizer: unknown): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  if (typeof optimizer === "string" && Object.hasOwn(OPTIMIZERS, optimizer.toLowerCase())) return OPTIMIZERS[optimizer.toLowerCase() as OptimizerName]();
  const names = Object.keys(OPTIMIZERS).map((n) => `'${n}'`).join(", ");
  throw new Error(`compile: optimizer must be an optimizer such as new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 }) or one of ${names}, got ${typeof optimizer === "string" ? JSON.stringify(optimizer) : describe(optimizer)}`);
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
  const spec = options.loss;
  let loss: CompiledState["loss"];
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new Error("compile: loss is an empty list; give one loss per output");
    loss = spec.map((l: LossSpec) => getLoss(l));
  } else if (spec !== null && typeof spec === "object") {
    const entries = Object.entries(spec as Record<string, LossSpec>);
    if (entries.length === 0) throw new Error("compile: loss is an empty record; give a loss for at least one output, by the name of the layer that produces it");
    loss = Object.fromEntries(entries.map(([k, l]) => [k, getLoss(l)]));
  } else {
    loss = getLoss(spec as LossSpec);
  }
  const given = options.metrics ?? [];
  const isRecord = given !== null && typeof given === "object" && !Array.isArray(given);
  const metricList = (list: unknown, label: string): CompiledMetric[] => {
    if (!Array.isArray(list)) throw new Error(`compile: ${label} must be an array such as ['accuracy']${label === "metrics" ? " (or, for several outputs, a record of arrays by output name)" : ""}, got ${describe(list)}`);
    const metrics = list.map(getMetric);
    const names = new Set<string>(["loss"]);
    for (const { name } of metrics) {
      if (names.has(name)) throw new Error(`compile: two metrics (or a metric and the loss) are both named '${name}'`);
      names.add(name);
    }
    return metrics;
  };
  const metrics = isRecord
    ? Object.fromEntries(Object.entries(given).map(([k, list]) => [k, metricList(list, `metrics.${k}`)]))
    : metricList(given, "metrics");
  return { optimizer, loss, metrics };
}
