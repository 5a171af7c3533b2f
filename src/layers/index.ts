/**
 * Layers and models, as `gt.layers`: `dense`, activation layers, `dropout`, `flatten`,
 * `conv2d`, the pooling layers, `reshape`, `batchNormalization`, `layerNormalization`,
 * `embedding`, and
 * `sequential` to stack them (also at the root: `gt.sequential`).
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
  Activation, activation, relu, sigmoid, tanh, softmax, leakyRelu, getActivation, ACTIVATION_NAMES,
  type ActivationName, type ActivationParams, type ActivationLayerOptions,
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
export { Model, sequential, type ModelOptions, type ModelConfig, type PredictOptions } from "./model.js";
export { layerFromConfig, modelFromConfig } from "./serialize.js";
export { registerLayer, type LayerClass } from "./registry.js";
