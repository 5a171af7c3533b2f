/**
 * Training: `trainStep` (the article's loop for one batch), the `History` that `fit` returns,
 * callbacks, and the option types of `compile`, `fit` and `evaluate`.
 * @module
 */
export { trainStep, NonFiniteLossError, type TrainableModel, type TrainStepResult } from "./train-step.js";
export { History } from "./history.js";
export { getLoss, LOSS_NAMES, type CompileOptions, type LossName, type LossAlias, type MetricName, type OptimizerName, type LossOrMetricFn, type LossSpec, type MetricSpec } from "./compile.js";
export type { FitOptions, EvaluateOptions } from "./fit.js";
export type { ProgressSink } from "./progress.js";
export type { Callback, CallbackModel, Logs, TrainingParams, EarlyStoppingOptions } from "./callbacks.js";
