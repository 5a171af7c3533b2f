/**
 * Rebuilding layers and models from their configs (`getConfig()`): what saving a model's
 * architecture needs.
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { Activation } from "./activations.js";
import { Dense } from "./dense.js";
import { Dropout } from "./dropout.js";
import { Flatten } from "./flatten.js";
import { BatchNormalization } from "./batch-normalization.js";
import { Conv2D } from "./conv2d.js";
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from "./pooling.js";
import { Reshape } from "./reshape.js";
import { Embedding } from "./embedding.js";
import { LayerNormalization } from "./layer-normalization.js";
import type { Layer, LayerConfig } from "./layer.js";
import { BUILT_IN, registeredLayer, registeredNames } from "./registry.js";
import { Model, type ModelConfig } from "./model.js";

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
  Embedding: (c) => new Embedding(c as never),
  LayerNormalization: (c) => new LayerNormalization(c as never),
};

for (const name of Object.keys(MAKERS)) BUILT_IN.add(name);

/**
 * A new layer from `{ className, config }` as `layer.toJSON()` gives it (new, unbuilt weights).
 * Custom classes come from {@link registerLayer}.
 * @throws Error naming the class, listing the known ones and saying how to register a custom
 * class, when it is unknown.
 * @example `const copy = gt.layers.layerFromConfig(dense.toJSON())` (give it a new name first if both go in one model)
 */
export function layerFromConfig(spec: LayerConfig): Layer {
  if (spec === null || typeof spec !== "object" || typeof spec.className !== "string") {
    throw new Error(`layerFromConfig: expected { className, config }, got ${describe(spec)}`);
  }
  const make = Object.hasOwn(MAKERS, spec.className) ? MAKERS[spec.className] : undefined;
  if (make !== undefined) return make({ ...spec.config });
  const custom = registeredLayer(spec.className);
  if (custom !== undefined) return new custom({ ...spec.config } as never);
  const name = /^[A-Za-z_$][\w$]*$/.test(spec.className) ? spec.className : "YourLayer";
  throw new Error(
    `layerFromConfig: unknown layer class '${spec.className}'; known: ${[...Object.keys(MAKERS), ...registeredNames()].join(", ")}. ` +
      `If it is your own Layer subclass, register it before loading: gt.registerLayer(${name}) (or gt.serialization.registerClass(${name}), as in TF.js)`,
  );
}

/**
 * A new model from `model.getConfig()`: the same layers, names and options, built for the same
 * input shape, with freshly initialized weights (load the weights with `setWeights`).
 * @throws Error when the config is not a Sequential model's or names an unknown layer class.
 * @example
 * ```ts
 * const copy = gt.layers.modelFromConfig(JSON.parse(JSON.stringify(model.getConfig())));
 * copy.setWeights(model.getWeights());
 * ```
 */
export function modelFromConfig(spec: ModelConfig): Model {
  if (spec === null || typeof spec !== "object" || spec.className !== "Sequential" || !Array.isArray(spec.config?.layers)) {
    throw new Error(`modelFromConfig: expected { className: 'Sequential', config: { name, layers } }, got ${describe(spec)}`);
  }
  const model = new Model(spec.config.layers.map(layerFromConfig), { name: spec.config.name });
  if (spec.config.buildInputShape !== undefined && !model.built) model.build(spec.config.buildInputShape);
  return model;
}
