/**
 * gradtape: typed-array tensors, a reverse-mode gradient tape, layers, optimizers and a training
 * loop, in TypeScript with nothing native to install.
 *
 * ```ts
 * import * as gt from "gradtape";
 * ```
 *
 * @module API reference
 */
import "./ops/methods.js";

export type { DType, TypedArray } from "./tensor/dtype.js";
export { Tensor, Variable, type NestedArray, type TensorLike, type VariableOptions } from "./tensor/tensor.js";
export {
  tensor, zeros, ones, fill, zerosLike, onesLike, randomNormal, randomUniform, variable, setRandomSeed,
  type Seed, type RandomNormalOptions, type RandomUniformOptions,
} from "./tensor/create.js";

export { add, sub, mul, div, neg, square, sqrt, exp, log, abs, pow, maximum, minimum, clipByValue } from "./ops/arithmetic.js";
export { relu, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from "./ops/activations.js";
export { sum, mean, max, min, type Axis } from "./ops/reductions.js";
export { matmul } from "./ops/matrix.js";
export * as fused from "./ops/fused-namespace.js";
export {
  reshape, transpose, broadcastTo, expandDims, squeeze, slice, pad, concat, gather, unsortedSegmentSum, stopGradient,
} from "./ops/shape.js";
export { range, linspace, eye } from "./ops/sequences.js";
export { floorDiv } from "./ops/floor-div.js";
export { logSumExp, prod } from "./ops/composite-reductions.js";
export { norm, type NormOrder } from "./ops/norms.js";
export { cumsum } from "./ops/scans.js";
export { where, topk, type TopK } from "./ops/selection.js";
export { stack, unstack, split, tile } from "./ops/stacking.js";
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, type Padding } from "./ops/convolution.js";
export { maxPool, avgPool } from "./ops/pooling.js";
export { moments, type Moments } from "./ops/moments.js";
export { equal, notEqual, greater, greaterEqual, less, lessEqual, sign, argMax, oneHot } from "./ops/compare.js";
export { cast } from "./ops/lift.js";
export { getBackend, setBackend, getThreads, setThreads, threadsReady, type Backend } from "./kernels/backend.js";

export { GradientTape, noGrad, type GradientTapeOptions, type Sources, type Gradients } from "./autograd/tape.js";
export type { TapeGraph, TapeGraphNode, TapeGraphEdge, TapeGraphOptions, TapeNodeKind } from "./autograd/graph.js";
export { customGradient, type CustomGradientResult } from "./autograd/custom.js";
export { checkGradients, type CheckGradientsOptions, type GradientCheckResult } from "./autograd/check.js";

export * as losses from "./losses/index.js";
export * as metrics from "./losses/metrics.js";
export * as data from "./data/index.js";
export * as optim from "./optim/index.js";
export { zip } from "./optim/zip.js";
export * as layers from "./layers/index.js";
export { registerLayer, type LayerClass } from "./layers/registry.js";
export * as serialization from "./layers/serialization.js";
export { sequential, Model, type ModelOptions, type PredictOptions, type ModelInput, type ModelOutput, type AnyModel } from "./layers/model.js";
export { model, Functional, type FunctionalOptions } from "./layers/functional.js";
export { input } from "./layers/input-layer.js";
export { SymbolicTensor, type InputOptions } from "./layers/symbolic.js";
export * as initializers from "./layers/initializers-namespace.js";
export * as callbacks from "./training/callbacks.js";
export {
  trainStep, History, NonFiniteLossError,
  type TrainableModel, type TrainStepResult, type CompileOptions, type FitOptions, type EvaluateOptions, type Logs, type Callback,
  type LossName, type LossAlias, type MetricName, type OptimizerName, type LossOrMetricFn, type LossSpec, type MetricSpec, type ProgressSink,
} from "./training/index.js";
export * as plot from "./plot/svg.js";
export {
  toMemory, fromMemory, MODEL_FORMAT, MODEL_FORMAT_VERSION,
  type ModelManifest, type SavedModel, type WeightManifest, type TrainingManifest, type HistoryRecord,
  type TrainingState, type ToMemoryOptions, type LoadedModel,
} from "./io/memory.js";
export { loadModel, saveCheckpoint, loadCheckpoint, type CheckpointOptions, type Checkpoint } from "./io/folder.js";
export { saveONNX, ONNX_OPSET, ONNX_IR_VERSION } from "./interop/onnx/index.js";
export * as io from "./interop/tfjs/index.js";
export { ModelFormatError } from "./io/check.js";
export type { PathLike } from "./util/path.js";
export type { OptimizerManifest, OptimizerVariableManifest, SlotManifest } from "./io/optimizer.js";
export type { ByteRange } from "./io/bytes.js";
