/**
 * Optimizers, as `gt.optim`: SGD with momentum (the article's), Adam, RMSprop, Adagrad, Adadelta,
 * Adamax and AdamW with PyTorch's formulas (SGD, Adam and RMSprop also with Keras'),
 * learning-rate schedules with Keras', and the pure update functions behind them.
 *
 * ```ts
 * const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
 * const grads = tape.gradient(loss, model.trainableVariables);
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 * @module
 */
export { Optimizer, type OptimizerOptions, type OptimizerConfig, type GradientPair, type SlotUpdate } from "./optimizer.js";
export { SGD, sgdUpdate, type SGDOptions, type SGDConfig, type SGDHyperparameters } from "./sgd.js";
export { Adam, adamUpdate, type AdamOptions, type AdamConfig, type AdamHyperparameters, type AdamSlots } from "./adam.js";
export { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropConfig, type RMSpropHyperparameters, type RMSpropSlots } from "./rmsprop.js";
export { Adagrad, adagradUpdate, type AdagradOptions, type AdagradConfig, type AdagradHyperparameters } from "./adagrad.js";
export { Adadelta, adadeltaUpdate, type AdadeltaOptions, type AdadeltaConfig, type AdadeltaHyperparameters, type AdadeltaSlots } from "./adadelta.js";
export { Adamax, adamaxUpdate, type AdamaxOptions, type AdamaxConfig, type AdamaxHyperparameters, type AdamaxSlots } from "./adamax.js";
export { AdamW, adamwUpdate, type AdamWOptions, type AdamWConfig, type AdamWHyperparameters } from "./adamw.js";
export {
  exponentialDecay, piecewiseConstant, cosineDecay,
  type LearningRateSchedule, type ConfiguredSchedule, type ExponentialDecayOptions, type CosineDecayOptions,
} from "./schedules.js";
export { nonFiniteGradients } from "./gradients.js";
export type { Convention } from "./options.js";
export { zip } from "./zip.js";
export type { FloatArray, Slots, SlotEntry, OptimizerState, VariableState } from "./state.js";
