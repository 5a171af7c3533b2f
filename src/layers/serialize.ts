/**
 * Rebuilding layers and models from their configs (`getConfig()`): what saving a model's
 * architecture needs.
 * @module
 */
import { describe, type Tensor } from "../tensor/tensor.js";
import { Activation } from "./activations.js";
import { Dense } from "./dense.js";
import { Dropout } from "./dropout.js";
import { Flatten } from "./flatten.js";
import { BatchNormalization } from "./batch-normalization.js";
import { Conv2D } from "./conv2d.js";
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from "./pooling.js";
import { Reshape } from "./reshape.js";
import { InputLayer } from "./input-layer.js";
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from "./merge.js";
import { Embedding } from "./embedding.js";
import { LayerNormalization } from "./layer-normalization.js";
import { SimpleRNN } from "./simple-rnn.js";
import { LSTM } from "./lstm.js";
import type { Layer, LayerConfig } from "./layer.js";
import { Model, type ModelConfig, type ModelOutput } from "./model.js";
import type { FunctionalConfig } from "./functional.js";

/**
 * The maker of functional models, registered by functional.ts when it loads: importing it here
 * would close the cycle model.ts → io → serialize.ts → functional.ts → model.ts while model.ts
 * is still being evaluated.
 */
let makeFunctional: ((spec: FunctionalConfig, makeLayer: (spec: LayerConfig) => Layer) => Model<ModelOutput>) | undefined;

/** @internal Called once by functional.ts. */
export function registerFunctional(maker: NonNullable<typeof makeFunctional>): void {
  makeFunctional = maker;
}

/** Makers of each layer kind from its config, by class name. */
const MAKERS: Record<string, (config: Record<string, unknown>) => Layer> = {
  Dense: (c) => new Dense(c as never),
  Dropout: (c) => new Dropout(c as never),
  Flatten: (c) => new Flatten(c as never),
  Activation: (c) => new Activation(c as never),
  ReLU: (c) => new Activation(c as never),
  Sigmoid: (c) => new Activation(c as never),
  Tanh: (c) => new Activation(c as never),
  Softmax: (c) => new Activation(c as never),
  LeakyReLU: (c) => new Activation(c as never),
  Conv2D: (c) => new Conv2D(c as never),
  MaxPooling2D: (c) => new MaxPooling2D(c as never),
  AveragePooling2D: (c) => new AveragePooling2D(c as never),
  GlobalAveragePooling2D: (c) => new GlobalAveragePooling2D(c as never),
  GlobalMaxPooling2D: (c) => new GlobalMaxPooling2D(c as never),
  Reshape: (c) => new Reshape(c as never),
  BatchNormalization: (c) => new BatchNormalization(c as never),
  InputLayer: (c) => new InputLayer(c as never),
  Add: (c) => new Add(c as never),
  Subtract: (c) => new Subtract(c as never),
  Multiply: (c) => new Multiply(c as never),
  Average: (c) => new Average(c as never),
  Maximum: (c) => new Maximum(c as never),
  Minimum: (c) => new Minimum(c as never),
  Concatenate: (c) => new Concatenate(c as never),
  Embedding: (c) => new Embedding(c as never),
  LayerNormalization: (c) => new LayerNormalization(c as never),
  SimpleRNN: (c) => new SimpleRNN(c as never),
  LSTM: (c) => new LSTM(c as never),
};

/**
 * A new layer from `{ className, config }` as `layer.toJSON()` gives it (new, unbuilt weights).
 * @throws Error naming the class and listing the known ones when it is unknown.
 * @example `const copy = gt.layers.layerFromConfig(dense.toJSON())` (give it a new name first if both go in one model)
 */
export function layerFromConfig(spec: LayerConfig): Layer {
  if (spec === null || typeof spec !== "object" || typeof spec.className !== "string") {
    throw new Error(`layerFromConfig: expected { className, config }, got ${describe(spec)}`);
  }
  const make = Object.hasOwn(MAKERS, spec.className) ? MAKERS[spec.className] : undefined;
  if (make === undefined) throw new Error(`layerFromConfig: unknown layer class '${spec.className}'; known: ${Object.keys(MAKERS).join(", ")}`);
  return make({ ...spec.config });
}

/**
 * A new model from `model.getConfig()`: the same layers, names and options, built for the same
 * input shape (for a functional model, the same graph), with freshly initialized weights (load
 * the weights with `setWeights`).
 * @throws Error when the config is not a Sequential or Functional model's, names an unknown layer
 * class, or (functional) refers to a layer or node it does not have.
 * @typeParam O - what the model returns: `Tensor` unless its outputs were a list (then `Tensor[]`).
 * @example
 * ```ts
 * const copy = gt.layers.modelFromConfig(JSON.parse(JSON.stringify(model.getConfig())));
 * copy.setWeights(model.getWeights());
 * ```
 */
export function modelFromConfig<O extends ModelOutput = Tensor>(spec: ModelConfig): Model<O> {
  if (spec !== null && typeof spec === "object" && spec.className === "Functional" && makeFunctional !== undefined) return makeFunctional(spec, layerFromConfig) as unknown as Model<O>;
  if (spec === null || typeof spec !== "object" || spec.className !== "Sequential" || !Array.isArray(spec.config?.layers)) {
    throw new Error(`modelFromConfig: expected { className: 'Sequential' or 'Functional', config: { name, layers, … } }, got ${describe(spec)}`);
  }
  const model = new Model<O>(spec.config.layers.map(layerFromConfig), { name: spec.config.name });
  if (spec.config.buildInputShape !== undefined && !model.built) model.build(spec.config.buildInputShape);
  return model;
}
