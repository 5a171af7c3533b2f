/**
 * A TF.js (or converted Keras) layers model read into gradtape: the Keras configs become
 * gradtape layers with the same options, and the weights are matched by their scoped names
 * (`dense/kernel`, `batch_normalization/moving_mean`) in the manifest's order.
 * @module
 */
import type { Layer, LayerOptions } from "../../layers/layer.js";
import { Model } from "../../layers/model.js";
import { activation as activationLayer, activationName, leakyRelu, softmax, type ActivationName } from "../../layers/activations.js";
import { batchNormalization } from "../../layers/batch-normalization.js";
import { conv2d } from "../../layers/conv2d.js";
import { dense } from "../../layers/dense.js";
import { dropout } from "../../layers/dropout.js";
import { flatten } from "../../layers/flatten.js";
import { averagePooling2d, globalAveragePooling2d, globalMaxPooling2d, maxPooling2d } from "../../layers/pooling.js";
import { reshape } from "../../layers/reshape.js";
import { functionalFromConfig, type FunctionalConfig, type TensorRef } from "../../layers/functional.js";
import { InputLayer } from "../../layers/input-layer.js";
import { add, average, concatenate, maximum, minimum, multiply, subtract } from "../../layers/merge.js";
import { fromValues } from "../../tensor/create.js";
import { fmt, shapesEqual, sizeOf } from "../../tensor/shape.js";
import type { Padding } from "../../kernels/conv/geometry.js";
import { bad, list, ModelFormatError, object, shape as checkShape, string } from "../../io/check.js";
import { isCellWeight, makeSequenceLayer, SEQUENCE_CLASSES } from "./sequence.js";
import { TFJS_WEIGHT_NAMES, type KerasLayerSpec, type TfjsArtifacts, type TfjsWeightSpec } from "./format.js";

const WHERE = "fromTfjs";

/** The layer's dtype: a string (Keras 2, TF.js) or a DTypePolicy object (Keras 3); only float32. */
function checkDtype(name: string, value: unknown): void {
  const dtype = value !== null && typeof value === "object" ? (value as { config?: { name?: unknown } }).config?.name : value;
  if (dtype !== undefined && dtype !== "float32") throw new ModelFormatError(`${WHERE}: layer '${name}' has dtype ${JSON.stringify(dtype)}; only float32 models are read`);
}

function activationOf(name: string, value: unknown): ActivationName {
  const a = value ?? "linear";
  try {
    return activationName(string(WHERE, `layer '${name}' activation`, a));
  } catch {
    throw new ModelFormatError(`${WHERE}: layer '${name}' uses the activation ${JSON.stringify(a)}, which gradtape does not have; known: relu, sigmoid, tanh, softmax, leakyRelu (leaky_relu), linear`);
  }
}

function pairOf(value: unknown): number | [number, number] {
  return Array.isArray(value) ? [value[0] as number, value[1] as number] : (value as number);
}

function channelsLast(name: string, c: Record<string, unknown>): void {
  if (c.data_format !== undefined && c.data_format !== "channels_last") {
    throw new ModelFormatError(`${WHERE}: layer '${name}' is ${String(c.data_format)}; gradtape reads channels_last (NHWC) models only`);
  }
}

/** The explicit padding of a ZeroPadding2D config, `[[top, bottom], [left, right]]`. */
function zeroPadding(value: unknown): [[number, number], [number, number]] {
  if (typeof value === "number") return [[value, value], [value, value]];
  const [h, w] = value as unknown[];
  const side = (p: unknown): [number, number] => (typeof p === "number" ? [p, p] : [(p as number[])[0], (p as number[])[1]]);
  return [side(h), side(w)];
}

/** One Keras layer as a gradtape layer; `padding` is a ZeroPadding2D just before it, folded into a convolution. */
function makeLayer(spec: KerasLayerSpec, inputShape: number[] | undefined, padding: Padding | undefined): Layer {
  const c = spec.config;
  const name = string(WHERE, "a layer's config.name", c.name);
  checkDtype(name, c.dtype);
  const base: LayerOptions = { name, ...(inputShape === undefined ? {} : { inputShape }), ...(c.trainable === false ? { trainable: false } : {}) };
  if (padding !== undefined && spec.class_name !== "Conv2D") {
    throw new ModelFormatError(`${WHERE}: a ZeroPadding2D layer before '${name}' (${spec.class_name}) cannot be read; gradtape folds zero padding into a following Conv2D only`);
  }
  switch (spec.class_name) {
    case "Add":
      return add(base);
    case "Subtract":
      return subtract(base);
    case "Multiply":
      return multiply(base);
    case "Average":
      return average(base);
    case "Maximum":
      return maximum(base);
    case "Minimum":
      return minimum(base);
    case "Concatenate":
      return concatenate({ ...base, axis: (c.axis as number | undefined) ?? -1 });
    case "Dense":
      return dense({ ...base, units: c.units as number, activation: activationOf(name, c.activation), useBias: (c.use_bias as boolean | undefined) ?? true });
    case "Conv2D": {
      channelsLast(name, c);
      if (c.groups !== undefined && c.groups !== 1) throw new ModelFormatError(`${WHERE}: layer '${name}' is a grouped convolution (groups ${String(c.groups)}), which gradtape does not have`);
      if (padding !== undefined && c.padding !== "valid") throw new ModelFormatError(`${WHERE}: layer '${name}' follows a ZeroPadding2D but has padding ${JSON.stringify(c.padding)}; only 'valid' folds`);
      return conv2d({
        ...base, filters: c.filters as number, kernelSize: pairOf(c.kernel_size), strides: pairOf(c.strides ?? 1), dilationRate: pairOf(c.dilation_rate ?? 1),
        padding: padding ?? (c.padding as Padding | undefined) ?? "valid", activation: activationOf(name, c.activation), useBias: (c.use_bias as boolean | undefined) ?? true,
      });
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      channelsLast(name, c);
      const options = { ...base, poolSize: pairOf(c.pool_size ?? 2), strides: pairOf(c.strides ?? c.pool_size ?? 2), padding: (c.padding as Padding | undefined) ?? "valid" };
      return spec.class_name === "MaxPooling2D" ? maxPooling2d(options) : averagePooling2d(options);
    }
    case "GlobalAveragePooling2D":
    case "GlobalMaxPooling2D":
      channelsLast(name, c);
      if (c.keepdims === true) throw new ModelFormatError(`${WHERE}: layer '${name}' keeps its pooled dimensions (keepdims), which gradtape's global pooling does not`);
      return spec.class_name === "GlobalAveragePooling2D" ? globalAveragePooling2d(base) : globalMaxPooling2d(base);
    case "BatchNormalization": {
      const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
      if (axis.length !== 1) throw new ModelFormatError(`${WHERE}: layer '${name}' normalizes over several axes ${JSON.stringify(c.axis)}; gradtape takes one`);
      return batchNormalization({ ...base, axis: axis[0] as number, momentum: (c.momentum as number | undefined) ?? 0.99, epsilon: (c.epsilon as number | undefined) ?? 1e-3, center: (c.center as boolean | undefined) ?? true, scale: (c.scale as boolean | undefined) ?? true });
    }
    case "Flatten":
      return flatten(base);
    case "Reshape":
      return reshape({ ...base, targetShape: list(WHERE, `layer '${name}' target_shape`, c.target_shape) as number[] });
    case "Dropout":
      return dropout({ ...base, rate: c.rate as number });
    case "Activation":
      return activationLayer({ ...base, activation: activationOf(name, c.activation) });
    case "ReLU":
      if ((c.max_value ?? null) !== null || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new ModelFormatError(`${WHERE}: layer '${name}' is a ReLU with a cap, slope or threshold, which gradtape's relu does not take`);
      return activationLayer({ ...base, activation: "relu" });
    case "LeakyReLU":
      return leakyRelu({ ...base, alpha: (c.alpha ?? c.negative_slope ?? 0.3) as number });
    case "Softmax":
      return softmax({ ...base, ...(c.axis === undefined ? {} : { axis: Array.isArray(c.axis) ? (c.axis[0] as number) : (c.axis as number) }) });
    default: {
      const sequence = makeSequenceLayer(spec.class_name, c, base, activationOf);
      if (sequence !== undefined) return sequence;
      throw new ModelFormatError(`${WHERE}: layer '${name}' is a ${spec.class_name}, which gradtape does not read; readable: ${[...FROM_TFJS, ...SEQUENCE_CLASSES].join(", ")}`);
    }
  }
}

/** @internal The Keras classes {@link fromTfjs} reads. */
export const FROM_TFJS = [
  "InputLayer", "Dense", "Conv2D", "ZeroPadding2D (before a Conv2D)", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
  "BatchNormalization", "Flatten", "Reshape", "Dropout", "Activation", "ReLU", "LeakyReLU", "Softmax",
  "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
];

/** The model config inside a topology: TF.js' own, or a converted Keras file's `model_config`. */
function modelConfig(topology: unknown): { className: string; config: unknown } {
  let t = object(WHERE, "modelTopology", topology);
  if (t.model_config !== undefined) t = object(WHERE, "modelTopology.model_config", t.model_config);
  if (t.class_name !== "Sequential" && t.class_name !== "Functional" && t.class_name !== "Model") {
    throw new ModelFormatError(`${WHERE}: modelTopology is a ${JSON.stringify(t.class_name)} model; gradtape reads Sequential and Functional (Model) models`);
  }
  return { className: t.class_name, config: t.config };
}

/** The layer list of a Sequential or Functional config, each entry checked to be `{ class_name, config }`. */
function layerList(config: unknown): { name: string | undefined; layers: KerasLayerSpec[] } {
  // Keras 2.2 and older wrote a Sequential layer list as the config itself.
  const layers = Array.isArray(config) ? config : list(WHERE, "modelTopology.config.layers", object(WHERE, "modelTopology.config", config).layers);
  const name = Array.isArray(config) ? undefined : (config as { name?: unknown }).name;
  layers.forEach((l, i) => {
    const o = object(WHERE, `modelTopology.config.layers[${i}]`, l);
    string(WHERE, `modelTopology.config.layers[${i}].class_name`, o.class_name);
    object(WHERE, `modelTopology.config.layers[${i}].config`, o.config);
  });
  return { name: name === undefined ? undefined : string(WHERE, "modelTopology.config.name", name), layers: layers as KerasLayerSpec[] };
}

/** A Keras tensor reference `[layer, node, tensor, kwargs?]` as gradtape's `[layer, node, tensor]`. */
function tensorRef(what: string, value: unknown): TensorRef {
  const r = list(WHERE, what, value);
  if (r.length < 3 || typeof r[0] !== "string" || !Number.isInteger(r[1]) || !Number.isInteger(r[2])) bad(WHERE, what, "a reference [layerName, nodeIndex, tensorIndex, kwargs]", value);
  if (r.length > 3 && r[3] !== null && typeof r[3] === "object" && Object.keys(r[3] as object).length > 0) {
    throw new ModelFormatError(`${WHERE}: ${what} passes keyword arguments ${JSON.stringify(r[3])}, which gradtape's layers do not take`);
  }
  return [r[0], r[1] as number, r[2] as number];
}

/**
 * The references of `input_layers` / `output_layers` (a list, or with Keras 3 one reference): one
 * reference alone, so that a one-input or one-output model takes and returns a tensor as in TF.js.
 */
function refList(what: string, value: unknown): TensorRef | TensorRef[] {
  const refs = list(WHERE, what, value);
  const all = refs.length > 0 && !Array.isArray(refs[0]) ? [tensorRef(what, refs)] : refs.map((r, i) => tensorRef(`${what}[${i}]`, r));
  return all.length === 1 ? all[0] : all;
}

/**
 * A Functional topology as a gradtape functional model: each InputLayer a `gt.input`, each
 * other layer made from its config and applied to its inbound nodes (a shared layer once per
 * node, in order), through the same graph rebuilding `modelFromConfig` uses.
 */
function functionalModel(config: unknown): Model {
  const { name, layers } = layerList(config);
  const c = config as { input_layers?: unknown; output_layers?: unknown };
  const byName = new Map<string, KerasLayerSpec>();
  const entries = layers.map((spec, i) => {
    const layerName = string(WHERE, `modelTopology.config.layers[${i}].config.name`, spec.config.name);
    byName.set(layerName, spec);
    const nodes = list(WHERE, `layer '${layerName}' inbound_nodes`, (spec as { inbound_nodes?: unknown }).inbound_nodes ?? []);
    const inboundNodes = nodes.map((node, k) => list(WHERE, `layer '${layerName}' inbound_nodes[${k}]`, node).map((r, j) => tensorRef(`layer '${layerName}' inbound_nodes[${k}][${j}]`, r)));
    return { className: spec.class_name, config: { name: layerName }, inboundNodes };
  });
  // A ZeroPadding2D applied once whose only use is one application of a Conv2D (what toTfjs
  // writes for explicit padding) folds into that convolution: the conv takes the padding's input.
  const paddingOf = new Map<string, Padding>();
  const kept = entries.filter((e) => {
    if (e.className !== "ZeroPadding2D" || e.inboundNodes.length !== 1) return true;
    const uses = entries.filter((o) => o.inboundNodes.some((node) => node.some((r) => r[0] === e.config.name)));
    const conv = uses[0];
    if (uses.length !== 1 || conv.className !== "Conv2D" || conv.inboundNodes.length !== 1 || conv.inboundNodes[0].length !== 1) return true;
    const spec = byName.get(e.config.name) as KerasLayerSpec;
    channelsLast(e.config.name, spec.config);
    paddingOf.set(conv.config.name, zeroPadding(spec.config.padding ?? 1));
    conv.inboundNodes = e.inboundNodes;
    return false;
  });
  const make = (entry: { config: { name: string } }) => {
    const spec = byName.get(entry.config.name) as KerasLayerSpec;
    if (spec.class_name === "InputLayer") {
      checkDtype(entry.config.name, spec.config.dtype);
      const shape = statedInputShape(spec.config);
      if (shape === undefined) throw new ModelFormatError(`${WHERE}: the InputLayer '${entry.config.name}' states no batch_input_shape`);
      return new InputLayer({ name: entry.config.name, shape });
    }
    if (spec.class_name === "ZeroPadding2D") throw new ModelFormatError(`${WHERE}: layer '${entry.config.name}' is a ZeroPadding2D in a functional model that does not feed one Conv2D alone; gradtape folds zero padding into a following Conv2D only`);
    return makeLayer(spec, undefined, paddingOf.get(entry.config.name));
  };
  const spec: FunctionalConfig = {
    className: "Functional",
    config: { name: name ?? "model", layers: kept, inputLayers: refList("modelTopology.config.input_layers", c.input_layers), outputLayers: refList("modelTopology.config.output_layers", c.output_layers) },
  };
  return functionalFromConfig(spec, make, WHERE) as unknown as Model;
}

/** A Sequential topology's layers as a gradtape sequential model, a ZeroPadding2D folded into the Conv2D after it. */
function sequentialModel(config: unknown): Model {
  const { name, layers: specs } = layerList(config);
  const layers: Layer[] = [];
  let inputShape: number[] | undefined;
  let padding: Padding | undefined;
  for (const spec of specs) {
    const stated = statedInputShape(spec.config);
    if (layers.length === 0 && stated !== undefined) inputShape = stated;
    if (spec.class_name === "InputLayer") continue;
    if (spec.class_name === "ZeroPadding2D") {
      channelsLast(String(spec.config.name), spec.config);
      padding = zeroPadding(spec.config.padding ?? 1);
      continue;
    }
    layers.push(makeLayer(spec, layers.length === 0 ? inputShape : undefined, padding));
    padding = undefined;
  }
  if (layers.length === 0) throw new ModelFormatError(`${WHERE}: the model has no layers`);
  const model = new Model(layers, { name: name ?? "sequential" });
  if (!model.built) throw new ModelFormatError(`${WHERE}: the topology states no input shape (batch_input_shape on the first layer), so the weights' shapes are unknown`);
  return model;
}

/** The sample shape (no batch dimension) a config states, if it states one. */
function statedInputShape(c: Record<string, unknown>): number[] | undefined {
  const batch = c.batch_input_shape ?? c.batch_shape;
  if (batch !== undefined && batch !== null) return checkShape(WHERE, `layer '${String(c.name)}' batch_input_shape`, (batch as unknown[]).slice(1));
  if (c.input_shape !== undefined && c.input_shape !== null) return checkShape(WHERE, `layer '${String(c.name)}' input_shape`, c.input_shape);
  return undefined;
}

/** The weights' bytes as one buffer. */
function concatenated(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (!Array.isArray(data) || !data.every((b) => b instanceof ArrayBuffer)) bad(WHERE, "weightData", "an ArrayBuffer or an array of them", data);
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** Each weight's values, by its spec's name, read from the bytes in the manifest's order. */
function readWeights(specs: unknown, data: ArrayBuffer | ArrayBuffer[]): Map<string, { spec: TfjsWeightSpec; values: Float32Array }> {
  const bytes = concatenated(data);
  const out = new Map<string, { spec: TfjsWeightSpec; values: Float32Array }>();
  let offset = 0;
  list(WHERE, "weightSpecs", specs).forEach((s, i) => {
    const path = `weightSpecs[${i}]`;
    const spec = object(WHERE, path, s) as unknown as TfjsWeightSpec;
    string(WHERE, `${path}.name`, spec.name);
    const dims = checkShape(WHERE, `${path}.shape`, spec.shape);
    if (spec.quantization !== undefined) throw new ModelFormatError(`${WHERE}: weight '${spec.name}' is quantized; convert the model without quantization`);
    if (spec.dtype !== "float32" && spec.dtype !== "int32") bad(WHERE, `${path}.dtype`, "'float32' or 'int32'", spec.dtype);
    const n = sizeOf(dims);
    if (offset + 4 * n > bytes.length) throw new ModelFormatError(`${WHERE}: weightData holds ${bytes.length} bytes but weight '${spec.name}' ends at byte ${offset + 4 * n}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 4 * n);
    const values = new Float32Array(n);
    for (let j = 0; j < n; j++) values[j] = spec.dtype === "float32" ? view.getFloat32(4 * j, true) : view.getInt32(4 * j, true);
    out.set(spec.name, { spec, values });
    offset += 4 * n;
  });
  return out;
}

/**
 * A gradtape model from TF.js' layers format (what `model.save(tf.io.withSaveHandler(...))`
 * hands over, or `gt.io.toTfjs` makes; a Keras `.h5` file gets there with
 * `tensorflowjs_converter --input_format keras`). Sequential models of Dense, Conv2D (with a
 * ZeroPadding2D before it folded in), pooling, BatchNormalization, Flatten, Reshape, Dropout,
 * activation layers, Embedding, LayerNormalization, SimpleRNN and LSTM are read (an LSTM's
 * `recurrent_activation` must be one gradtape has: TF.js' default hard sigmoid is refused;
 * recurrent `dropout` is training-only and not carried), and Functional (`Model`) topologies of
 * these and the merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate)
 * become functional models with the same graph: several inputs and outputs, shared layers; each weight is found by its scoped name (`dense/kernel`), trainable
 * and non-trainable alike. The model can predict at once or be compiled and trained further.
 * @param artifacts - `{ modelTopology, weightSpecs, weightData }`.
 * @throws ModelFormatError naming the layer or field at fault: an unknown layer class or
 * activation, channels-first data, a missing weight or one of another shape, quantized weights,
 * or too few bytes.
 * @example
 * ```ts
 * const model = gt.io.fromTfjs(artifacts);
 * model.predict(x);
 * ```
 */
export function fromTfjs(artifacts: TfjsArtifacts): Model {
  const a = object(WHERE, "artifacts", artifacts);
  const { className, config } = modelConfig(a.modelTopology);
  const weights = readWeights(a.weightSpecs, a.weightData as ArrayBuffer | ArrayBuffer[]);
  const model = className === "Sequential" ? sequentialModel(config) : functionalModel(config);
  const values = model.layers.flatMap((layer) =>
    layer.weights.map((v) => {
      const short = v.name.slice(layer.name.length + 1);
      const scoped = `${layer.name}/${TFJS_WEIGHT_NAMES[short] ?? short}`;
      const found = weights.get(scoped) ?? [...weights.entries()].find(([k]) => k.endsWith(`/${scoped}`) || isCellWeight(k, scoped))?.[1];
      if (found === undefined) throw new ModelFormatError(`${WHERE}: layer '${layer.name}' needs the weight '${scoped}' ${fmt(v.shape)}, which weightSpecs do not list`);
      if (!shapesEqual(found.spec.shape, v.shape)) throw new ModelFormatError(`${WHERE}: weight '${found.spec.name}' has shape ${fmt(found.spec.shape)} but layer '${layer.name}' needs ${fmt(v.shape)}`);
      return fromValues(found.values, v.shape, "float32");
    }),
  );
  model.setWeights(values);
  return model;
}
