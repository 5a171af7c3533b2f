/**
 * A gradtape model in TF.js' layers format: Keras configs for each layer and the weights under
 * the names TF.js gives them (`dense/kernel`, `batch_normalization/moving_mean`), so that
 * `tf.loadLayersModel(tf.io.fromMemory(...))` loads it and predicts what gradtape predicts.
 * @module
 */
import type { Layer } from "../../layers/layer.js";
import { checkModel, type Model, type ModelOutput } from "../../layers/model.js";
import { Activation, builtInActivationOf, type ActivationName } from "../../layers/activations.js";
import { BatchNormalization } from "../../layers/batch-normalization.js";
import { Conv2D } from "../../layers/conv2d.js";
import { Dense } from "../../layers/dense.js";
import { Dropout } from "../../layers/dropout.js";
import { Flatten } from "../../layers/flatten.js";
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from "../../layers/pooling.js";
import { Reshape } from "../../layers/reshape.js";
import { SEQUENCE_CLASSES, sequenceLayerSpec } from "./sequence.js";
import { Functional } from "../../layers/functional.js";
import { InputLayer } from "../../layers/input-layer.js";
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from "../../layers/merge.js";
import type { SymbolicTensor } from "../../layers/symbolic.js";
import { TFJS_WEIGHT_NAMES, type KerasLayerSpec, type TfjsArtifacts, type TfjsWeightSpec } from "./format.js";

const CHANNELS_LAST = { data_format: "channels_last" };

/** The Keras activation for a fused one; TF.js has no `leakyRelu` string, so that one becomes a layer. */
function fusedActivation(a: string): string {
  return a === "leakyRelu" ? "linear" : a;
}

/** A LeakyReLU layer after a dense or conv layer whose activation was leakyRelu. */
function leakyAfter(layer: Layer, activation: string): KerasLayerSpec[] {
  return activation === "leakyRelu" ? [{ class_name: "LeakyReLU", config: { name: `${layer.name}_leaky_relu`, alpha: 0.2, trainable: true, dtype: "float32" } }] : [];
}

function unsupported(layer: Layer, why: string): Error {
  return new Error(`toTfjs: layer '${layer.name}' (${layer.className}) ${why}`);
}

/** The Keras config(s) of one layer: usually one; a conv with explicit padding or a leaky dense gives two. */
function layerSpecs(layer: Layer): KerasLayerSpec[] {
  const base = { name: layer.name, trainable: layer.trainable, dtype: "float32" };
  if (layer instanceof Concatenate) return [{ class_name: "Concatenate", config: { ...base, axis: layer.axis } }];
  if ([Add, Subtract, Multiply, Average, Maximum, Minimum].some((cls) => layer instanceof cls)) return [{ class_name: layer.className, config: base }];
  if (layer instanceof Dense) {
    return [{ class_name: "Dense", config: { ...base, units: layer.units, activation: fusedActivation(builtInActivationOf("toTfjs", layer, layer.activation)), use_bias: layer.useBias } }, ...leakyAfter(layer, layer.activation)];
  }
  if (layer instanceof Conv2D) {
    const explicit = typeof layer.padding !== "string";
    const pad: KerasLayerSpec[] = explicit
      ? [{ class_name: "ZeroPadding2D", config: { name: `${layer.name}_padding`, padding: layer.padding, trainable: true, dtype: "float32", ...CHANNELS_LAST } }]
      : [];
    const conv = {
      ...base, ...CHANNELS_LAST, filters: layer.filters, kernel_size: layer.kernelSize.slice(), strides: layer.strides.slice(),
      padding: explicit ? "valid" : layer.padding, dilation_rate: layer.dilationRate.slice(), activation: fusedActivation(builtInActivationOf("toTfjs", layer, layer.activation)), use_bias: layer.useBias,
    };
    return [...pad, { class_name: "Conv2D", config: conv }, ...leakyAfter(layer, layer.activation)];
  }
  if (layer instanceof MaxPooling2D || layer instanceof AveragePooling2D) {
    if (typeof layer.padding !== "string") throw unsupported(layer, "has explicit padding, which TF.js' pooling layers do not take");
    return [{ class_name: layer.className, config: { ...base, ...CHANNELS_LAST, pool_size: layer.poolSize.slice(), strides: layer.strides.slice(), padding: layer.padding } }];
  }
  if (layer instanceof GlobalAveragePooling2D || layer instanceof GlobalMaxPooling2D) return [{ class_name: layer.className, config: { ...base, ...CHANNELS_LAST } }];
  if (layer instanceof BatchNormalization) {
    return [{ class_name: "BatchNormalization", config: { ...base, axis: layer.axis, momentum: layer.momentum, epsilon: layer.epsilon, center: layer.center, scale: layer.scale } }];
  }
  if (layer instanceof Flatten) return [{ class_name: "Flatten", config: base }];
  if (layer instanceof Reshape) return [{ class_name: "Reshape", config: { ...base, target_shape: layer.targetShape.slice() } }];
  if (layer instanceof Dropout) return [{ class_name: "Dropout", config: { ...base, rate: layer.rate } }];
  if (layer instanceof Activation) {
    if (layer.activation === "leakyRelu") return [{ class_name: "LeakyReLU", config: { ...base, alpha: layer.params.alpha ?? 0.2 } }];
    if (layer.activation === "softmax") return [{ class_name: "Softmax", config: { ...base, axis: layer.params.axis ?? -1 } }];
    return [{ class_name: "Activation", config: { ...base, activation: layer.activation } }];
  }
  const sequence = sequenceLayerSpec(layer, base);
  if (sequence !== undefined) return [sequence];
  throw unsupported(layer, `has no TF.js counterpart here; convertible layers: ${[...TO_TFJS, ...SEQUENCE_CLASSES].join(", ")}`);
}

/** @internal The layer classes {@link toTfjs} converts. */
export const TO_TFJS = ["InputLayer", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization", "Flatten", "Reshape", "Dropout", "Activation", "ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU"];

/**
 * The model in TF.js' layers format, in memory. `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * loads it; `gt.io.fromTfjs(artifacts)` reads it back. Weights are float32, named as TF.js names
 * them (`dense/kernel`, `batch_normalization/moving_mean`), in gradtape's order. A float64 model
 * is written as the float32 model TF.js can hold: each weight rounded to the nearest float32.
 * Functional models (`gt.model`) become TF.js `Functional` models with the same graph: each
 * layer's inbound nodes, merge layers, shared layers (one entry, several nodes), several inputs
 * and outputs.
 * @param model - a built float32 or float64 model.
 * @throws Error when the model is not built, is not float32 or float64, or naming a layer that has no TF.js
 * counterpart (or explicit padding on a pooling layer).
 * @example
 * ```ts
 * const artifacts = gt.io.toTfjs(model);
 * const tfModel = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 * ```
 */
export function toTfjs(model: Model<ModelOutput>): TfjsArtifacts {
  return tfjsArtifacts("toTfjs", model);
}

/** @internal {@link toTfjs} with the caller's name in messages (`saveTfjs`). */
export function tfjsArtifacts(where: string, model: Model<ModelOutput>): TfjsArtifacts {
  checkModel(where, model);
  const inputShape = model.inputShape;
  if (!model.built || inputShape === undefined) {
    throw new Error(`${where}: the model ${model.name} is not built yet, so its shapes are unknown; give the first layer an inputShape or call model.build([null, ...])`);
  }
  const specs: TfjsWeightSpec[] = [];
  const values: Float32Array[] = [];
  for (const layer of model.layers) {
    // TF.js computes in float32: a float64 layer's weights are rounded to the nearest float32.
    if (layer.dtype !== "float32" && layer.dtype !== "float64") throw unsupported(layer, `is ${layer.dtype}; TF.js models are float32 (float64 ones are written rounded to float32)`);
    for (const v of layer.weights) {
      const short = v.name.slice(layer.name.length + 1);
      specs.push({ name: `${layer.name}/${TFJS_WEIGHT_NAMES[short] ?? short}`, shape: v.shape.slice(), dtype: "float32" });
      values.push(Float32Array.from(v.data()));
    }
  }
  let topology: Record<string, unknown>;
  if (model instanceof Functional) {
    topology = { class_name: "Functional", config: functionalTopology(model) };
  } else {
    const layers = model.layers.flatMap(layerSpecs);
    layers[0].config.batch_input_shape = inputShape.slice();
    topology = { class_name: "Sequential", config: { name: model.name, layers } };
  }
  const weightData = new Uint8Array(values.reduce((n, v) => n + v.byteLength, 0));
  let offset = 0;
  for (const v of values) {
    weightData.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), offset);
    offset += v.byteLength;
  }
  return {
    modelTopology: { ...topology, keras_version: "tfjs-layers 4.22.0", backend: "tensor_flow.js" },
    weightSpecs: specs, weightData: weightData.buffer, format: "layers-model", generatedBy: "gradtape 0.1.0", convertedBy: null,
  };
}

/** A layer entry of a functional topology: a Keras spec plus the inputs of each application. */
type FunctionalEntry = KerasLayerSpec & { name: string; inbound_nodes: [string, number, number, Record<string, never>][][] };

/**
 * The `config` of a TF.js `Functional` topology. A gradtape layer that becomes several Keras
 * layers (a conv with explicit padding, a leaky dense) becomes a chain: the first takes the
 * layer's inputs, each next one the previous one's output at the same node index, and references
 * to the layer's output point at the chain's last layer.
 */
function functionalTopology(model: Functional<ModelOutput>): Record<string, unknown> {
  // Every layer's chain first: a shared layer's later node may take the output of a layer listed after it.
  const chains = new Map(model.layers.filter((l) => !(l instanceof InputLayer)).map((l) => [l, layerSpecs(l)]));
  const last = new Map([...chains].map(([l, chain]) => [l.name, chain[chain.length - 1].config.name as string]));
  const ref = (t: SymbolicTensor): [string, number, number] => {
    const [name, node] = model.ref(t);
    return [last.get(name) ?? name, node, 0];
  };
  const layers: FunctionalEntry[] = [];
  for (const layer of model.layers) {
    if (layer instanceof InputLayer) {
      layers.push({ class_name: "InputLayer", name: layer.name, config: { name: layer.name, batch_input_shape: layer.output.shape.slice(), dtype: "float32", sparse: false }, inbound_nodes: [] });
      continue;
    }
    const nodes = model.graphNodes.filter((n) => n.layer === layer).map((n) => n.inputs.map((t) => [...ref(t), {}] as FunctionalEntry["inbound_nodes"][number][number]));
    (chains.get(layer) as KerasLayerSpec[]).forEach((spec, j, chain) => {
      const name = spec.config.name as string;
      const inbound = j === 0 ? nodes : nodes.map((_, k) => [[chain[j - 1].config.name as string, k, 0, {}] as FunctionalEntry["inbound_nodes"][number][number]]);
      layers.push({ ...spec, name, inbound_nodes: inbound });
    });
  }
  return { name: model.name, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) };
}
