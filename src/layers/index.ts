/**
 * Layers and models, as `gt.layers`: `dense`, activation layers, `dropout`, `flatten`,
 * `conv2d`, the pooling layers, `reshape`, `batchNormalization`, `layerNormalization`,
 * `embedding`, the recurrent `simpleRNN` and `lstm`, the merge layers (`add`, `subtract`,
 * `multiply`, `average`, `maximum`, `minimum`, `concatenate`), `sequential` to stack layers and
 * `input` / `model` to wire a graph of them (also at the root: `gt.sequential`, `gt.input`,
 * `gt.model`).
 *
 * ```ts
 * const model = gt.sequential([
 *   gt.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
 *   gt.layers.dropout({ rate: 0.2, seed: 1 }),
 *   gt.layers.dense({ units: 10, activation: "softmax" }),
 * ]);
 * ```
 * @module
 */
export { Layer, type LayerOptions, type LayerConfig, type LayerShape, type CallOptions, type AddWeightOptions } from "./layer.js";
export { Dense, dense, type DenseOptions } from "./dense.js";
export {
  Activation, activation, relu, sigmoid, tanh, softmax, leakyRelu, getActivation, registerActivation, ACTIVATION_NAMES,
  type ActivationName, type ActivationFunction, type ActivationSpec, type ActivationParams, type ActivationLayerOptions,
} from "./activations.js";
export { Dropout, dropout, type DropoutOptions } from "./dropout.js";
export { Flatten, flatten } from "./flatten.js";
export { Conv2D, conv2d, type Conv2DOptions } from "./conv2d.js";
export {
  MaxPooling2D, maxPooling2d, AveragePooling2D, averagePooling2d, GlobalAveragePooling2D, globalAveragePooling2d,
  GlobalMaxPooling2D, globalMaxPooling2d, type Pooling2DOptions,
} from "./pooling.js";
export { Reshape, reshape, type ReshapeOptions } from "./reshape.js";
export { BatchNormalization, batchNormalization, type BatchNormalizationOptions, type BatchNormalizationInitializers } from "./batch-normalization.js";
export { Embedding, embedding, type EmbeddingOptions } from "./embedding.js";
export { LayerNormalization, layerNormalization, type LayerNormalizationOptions } from "./layer-normalization.js";
export { Model, sequential, type ModelOptions, type ModelConfig, type SequentialConfig, type PredictOptions, type ModelInput, type ModelOutput, type AnyModel } from "./model.js";
export { Functional, model, type FunctionalOptions, type FunctionalConfig, type FunctionalLayerConfig, type TensorRef } from "./functional.js";
export { SymbolicTensor, type InputOptions } from "./symbolic.js";
export { InputLayer, input, type InputLayerOptions } from "./input-layer.js";
export {
  Merge, ElementwiseMerge, Add, add, Subtract, subtract, Multiply, multiply, Average, average, Maximum, maximum, Minimum, minimum,
  Concatenate, concatenate, type ConcatenateOptions,
} from "./merge.js";
export { Recurrent, type RecurrentOptions } from "./recurrent.js";
export { SimpleRNN, simpleRNN, type SimpleRNNOptions } from "./simple-rnn.js";
export { LSTM, lstm, type LSTMOptions } from "./lstm.js";
export { layerFromConfig, modelFromConfig } from "./serialize.js";
export { registerLayer, type LayerClass } from "./registry.js";
