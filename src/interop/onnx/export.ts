/**
 * A gradtape model as an ONNX graph (opset 17, IR version 8) that gives `predict`'s numbers on
 * the same NHWC input. A float32 model's values are FLOAT, a float64 model's DOUBLE; the ids an
 * embedding reads are INT32, as gradtape's.
 *
 * ONNX's convolutions and poolings are NCHW ("channels first") while gradtape is NHWC, so the
 * exported graph carries each value in whichever layout its producer left it: a Transpose to NCHW
 * is inserted before the first layer that needs channels first, and one back to NHWC before a
 * layer whose meaning depends on the element order (flatten, reshape, dense). A flatten thus sees
 * exactly gradtape's order and the dense kernel after it needs no permutation; a CNN costs two
 * small transposes. Convolution kernels are stored as ONNX's `[out, in, kh, kw]`.
 * @module
 */
import type { Tensor } from "../../tensor/tensor.js";
import { noGrad } from "../../autograd/tape.js";
import { add, div, mul, sqrt, sub } from "../../ops/arithmetic.js";
import { transpose } from "../../ops/shape.js";
import { windowGeometry, type Padding } from "../../kernels/conv/geometry.js";
import type { Layer, LayerShape } from "../../layers/layer.js";
import { Activation, builtInActivationOf, type ActivationName, type ActivationParams } from "../../layers/activations.js";
import { BatchNormalization } from "../../layers/batch-normalization.js";
import { Conv2D } from "../../layers/conv2d.js";
import { Dense } from "../../layers/dense.js";
import { Dropout } from "../../layers/dropout.js";
import { Flatten } from "../../layers/flatten.js";
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from "../../layers/pooling.js";
import { Reshape } from "../../layers/reshape.js";
import { Embedding } from "../../layers/embedding.js";
import { convertSequenceLayer, SEQUENCE_EXPORTABLE } from "./sequence.js";
import { encodeModel, ONNX_DOUBLE, ONNX_FLOAT, ONNX_INT32, type OnnxAttribute, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from "./messages.js";

/** A value in the graph being built: its name, its NHWC shape, and whether it is held as NCHW. */
export interface OnnxValue {
  /** The ONNX value's name. */
  name: string;
  /** The shape gradtape gives it (NHWC for images), batch `null`. */
  shape: LayerShape;
  /** True when the ONNX value is the NCHW transpose of that shape. */
  nchw: boolean;
  /** True when it holds int32 ids (a model input that only embeddings read) rather than floats. */
  ids?: boolean;
}

/** The float dtypes a model exports in. */
export type OnnxFloat = "float32" | "float64";

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** @internal Where each NHWC axis sits in NCHW. */
export const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

/** @internal Collects nodes and initializers under unique names. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly used = new Set<string>();
  /** Weights by the name asked for: a layer applied twice stores its weights once. */
  private readonly weights = new Map<string, string>();

  /** @param dtype - the model's dtype: every weight is stored, and every value computed, in it. */
  constructor(readonly dtype: OnnxFloat = "float32") {}

  /** The TensorProto.DataType of the model's values. */
  get elemType(): number {
    return this.dtype === "float64" ? ONNX_DOUBLE : ONNX_FLOAT;
  }

  /** A name not used yet, `base` or `base_1`, `base_2`, … */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, scope: string, inputs: readonly string[], attributes?: Record<string, OnnxAttribute>): string {
    const output = this.unique(`${scope}/${opType}`);
    this.nodes.push({ opType, name: output, inputs, outputs: [output], attributes });
    return output;
  }

  /** Adds a node with `count` outputs (`scope/opType:0`, …) and returns their names. */
  nodeOutputs(opType: string, scope: string, inputs: readonly string[], count: number, attributes?: Record<string, OnnxAttribute>): string[] {
    const name = this.unique(`${scope}/${opType}`);
    const outputs = Array.from({ length: count }, (_, i) => this.unique(`${name}:${i}`));
    this.nodes.push({ opType, name, inputs, outputs, attributes });
    return outputs;
  }

  /** Adds a weight (copied from `t`, in the model's dtype) and returns its name. */
  weight(name: string, t: Tensor): string {
    const known = this.weights.get(name);
    if (known !== undefined) return known;
    const unique = this.unique(name);
    const data = this.dtype === "float64" ? Float64Array.from(t.data()) : Float32Array.from(t.data());
    this.initializers.push({ name: unique, dims: t.shape.slice(), data });
    this.weights.set(name, unique);
    return unique;
  }

  /** Adds an int64 constant and returns its name. */
  int64s(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return unique;
  }

  /** The value in NCHW (images only), transposing when it is NHWC. */
  toNchw(v: OnnxValue, scope: string): OnnxValue {
    if (v.nchw || v.shape.length !== 4) return v;
    return { ...v, name: this.node("Transpose", scope, [v.name], { perm: { ints: TO_NCHW } }), nchw: true };
  }

  /** The value in gradtape's own layout, transposing back from NCHW when needed. */
  toNhwc(v: OnnxValue, scope: string): OnnxValue {
    if (!v.nchw) return v;
    return { ...v, name: this.node("Transpose", scope, [v.name], { perm: { ints: TO_NHWC } }), nchw: false };
  }
}

/** @internal Converts one layer applied to `inputs`; the graph builder collects what it adds. */
export type OnnxConverter = (layer: Layer, inputs: readonly OnnxValue[], g: OnnxGraphBuilder) => OnnxValue;

/** @internal An activation by name on `v`, in whichever layout `v` is held. */
export function activationNode(g: OnnxGraphBuilder, scope: string, v: OnnxValue, name: ActivationName, params: ActivationParams = {}): OnnxValue {
  switch (name) {
    case "linear":
      return v;
    case "relu":
      return { ...v, name: g.node("Relu", scope, [v.name]) };
    case "sigmoid":
      return { ...v, name: g.node("Sigmoid", scope, [v.name]) };
    case "tanh":
      return { ...v, name: g.node("Tanh", scope, [v.name]) };
    case "leakyRelu":
      return { ...v, name: g.node("LeakyRelu", scope, [v.name], { alpha: { float: params.alpha ?? 0.2 } }) };
    case "softmax": {
      const rank = v.shape.length;
      const a = (params.axis ?? -1) < 0 ? rank + (params.axis ?? -1) : (params.axis ?? -1);
      return { ...v, name: g.node("Softmax", scope, [v.name], { axis: { int: v.nchw ? NHWC_AXIS_IN_NCHW[a] : a } }) };
    }
  }
}

/** ONNX's `pads` (`[top, left, bottom, right]`) for a window over an NHWC input shape. */
function pads(layer: string, shape: LayerShape, k: [number, number], strides: [number, number], dilations: [number, number], padding: Padding): number[] {
  const [, h, w] = shape;
  if (h === null || w === null) throw new Error(`toONNX: layer '${layer}' needs a known input height and width to export its padding`);
  const g = windowGeometry(layer, [1, h, w, 1], k[0], k[1], strides, dilations, padding);
  return [g.padTop, g.padLeft, g.padBottom, g.padRight];
}

function convert(layer: Layer, v: OnnxValue, g: OnnxGraphBuilder): OnnxValue {
  const scope = layer.name;
  const out = (name: string, nchw: boolean): OnnxValue => ({ name, nchw, shape: layer.computeOutputShape(v.shape) });
  if (layer instanceof Dropout) return v;
  if (layer instanceof Activation) return activationNode(g, scope, v, builtInActivationOf("toONNX", layer, layer.activation), layer.params);
  if (layer instanceof Dense) {
    const x = g.toNhwc(v, scope);
    const kernel = g.weight(`${scope}/kernel`, layer.kernel as Tensor);
    const bias = layer.bias === undefined ? undefined : g.weight(`${scope}/bias`, layer.bias);
    let y: string;
    if (x.shape.length === 2) y = g.node("Gemm", scope, bias === undefined ? [x.name, kernel] : [x.name, kernel, bias]);
    else {
      y = g.node("MatMul", scope, [x.name, kernel]);
      if (bias !== undefined) y = g.node("Add", scope, [y, bias]);
    }
    return activationNode(g, scope, out(y, false), builtInActivationOf("toONNX", layer, layer.activation));
  }
  if (layer instanceof Conv2D) {
    const x = g.toNchw(v, scope);
    const kernel = g.weight(`${scope}/kernel`, transpose(layer.kernel as Tensor, [3, 2, 0, 1]));
    const inputs = [x.name, kernel];
    if (layer.bias !== undefined) inputs.push(g.weight(`${scope}/bias`, layer.bias));
    const y = g.node("Conv", scope, inputs, {
      kernel_shape: { ints: layer.kernelSize }, strides: { ints: layer.strides }, dilations: { ints: layer.dilationRate },
      pads: { ints: pads(scope, v.shape, layer.kernelSize, layer.strides, layer.dilationRate, layer.padding) },
    });
    return activationNode(g, scope, out(y, true), builtInActivationOf("toONNX", layer, layer.activation));
  }
  if (layer instanceof MaxPooling2D || layer instanceof AveragePooling2D) {
    const x = g.toNchw(v, scope);
    const attributes: Record<string, OnnxAttribute> = {
      kernel_shape: { ints: layer.poolSize }, strides: { ints: layer.strides },
      pads: { ints: pads(scope, v.shape, layer.poolSize, layer.strides, [1, 1], layer.padding) },
    };
    // gradtape averages the real pixels only, ONNX's default (count_include_pad = 0).
    if (layer instanceof AveragePooling2D) attributes.count_include_pad = { int: 0 };
    return out(g.node(layer instanceof MaxPooling2D ? "MaxPool" : "AveragePool", scope, [x.name], attributes), true);
  }
  if (layer instanceof GlobalAveragePooling2D || layer instanceof GlobalMaxPooling2D) {
    const x = g.toNchw(v, scope);
    const pooled = g.node(layer instanceof GlobalAveragePooling2D ? "GlobalAveragePool" : "GlobalMaxPool", scope, [x.name]);
    return out(g.node("Flatten", scope, [pooled], { axis: { int: 1 } }), false);
  }
  if (layer instanceof BatchNormalization) return batchNormalization(layer, v, g);
  if (layer instanceof Flatten) {
    const x = g.toNhwc(v, scope);
    return out(g.node("Flatten", scope, [x.name], { axis: { int: 1 } }), false);
  }
  if (layer instanceof Reshape) {
    const x = g.toNhwc(v, scope);
    // 0 copies the batch size from the input (Reshape's allowzero defaults to 0).
    const target = g.int64s(`${scope}/shape`, [0, ...layer.targetShape]);
    return out(g.node("Reshape", scope, [x.name, target]), false);
  }
  const sequence = convertSequenceLayer(layer, v, g);
  if (sequence !== undefined) return sequence;
  throw new Error(`toONNX: layer '${layer.name}' (${layer.className}) cannot be exported to ONNX; exportable layers: ${EXPORTABLE.join(", ")}`);
}

/** @internal The layer classes {@link modelToOnnx} exports. */
export const EXPORTABLE = [
  "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
  "BatchNormalization", "Flatten", "Reshape", "Dropout", "Activation", "ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU",
  ...SEQUENCE_EXPORTABLE, "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "InputLayer",
];

/**
 * Batch normalization at inference. Over the channels of an image or the features of a matrix,
 * ONNX's BatchNormalization (channel axis 1, epsilon carried over); over any other axis, the same
 * `x·s + (β − μ·s)` gradtape computes, with `s = γ/√(σ² + ε)` folded into constants.
 */
function batchNormalization(layer: BatchNormalization, v: OnnxValue, g: OnnxGraphBuilder): OnnxValue {
  const scope = layer.name;
  const rank = v.shape.length;
  const axis = layer.axis < 0 ? rank + layer.axis : layer.axis;
  const mean = layer.movingMean as Tensor, variance = layer.movingVariance as Tensor;
  const ones = mul(mean, 0).add(1);
  const gamma = layer.gamma ?? ones, beta = layer.beta ?? mul(mean, 0);
  if ((rank === 4 && axis === 3) || (rank === 2 && axis === 1)) {
    const x = g.toNchw(v, scope);
    const inputs = [x.name, g.weight(`${scope}/gamma`, gamma), g.weight(`${scope}/beta`, beta), g.weight(`${scope}/movingMean`, mean), g.weight(`${scope}/movingVariance`, variance)];
    return { ...x, name: g.node("BatchNormalization", scope, inputs, { epsilon: { float: layer.epsilon } }) };
  }
  const x = g.toNhwc(v, scope);
  const along = x.shape.map((d, i) => (i === axis ? (d as number) : 1));
  const [gain, offset] = noGrad(() => {
    const s = mul(gamma, div(1, sqrt(add(variance, layer.epsilon))));
    return [s.reshape(along), sub(beta, mul(mean, s)).reshape(along)];
  });
  const scaled = g.node("Mul", scope, [x.name, g.weight(`${scope}/gain`, gain)]);
  return { ...x, name: g.node("Add", scope, [scaled, g.weight(`${scope}/offset`, offset)]) };
}

/** @internal Converts one layer on one input, checking its dtype first (merge layers: graph.ts). */
export const convertLayer: OnnxConverter = (layer, inputs, g) => {
  if (layer.dtype !== g.dtype) {
    throw new Error(`toONNX: layer '${layer.name}' is ${layer.dtype} but the model is ${g.dtype} (its first layer's dtype); an ONNX export holds one float dtype, so build every layer with dtype '${g.dtype}'`);
  }
  if (inputs.length !== 1) throw new Error(`toONNX: layer '${layer.name}' (${layer.className}) takes one input, got ${inputs.length}`);
  return convert(layer, inputs[0], g);
};

/** @internal The ValueInfo of a model input or output: the batch dimension is named `batch`. */
export function valueInfo(name: string, shape: LayerShape, elemType: number): OnnxValueInfo {
  return { name, elemType, dims: shape.map((d, i) => (d === null ? (i === 0 ? "batch" : `d${i}`) : d)) };
}

/** @internal The ValueInfo of a model input: int32 when it holds ids for embeddings, else the model's float type. */
export function inputInfo(v: OnnxValue, g: OnnxGraphBuilder): OnnxValueInfo {
  return valueInfo(v.name, v.shape, v.ids === true ? ONNX_INT32 : g.elemType);
}

/**
 * @internal The float dtype a model exports in: its first float layer's (the others must agree,
 * which {@link convertLayer} checks).
 * @throws Error naming the layer when it is neither float32 nor float64.
 */
export function modelDtype(layers: readonly Layer[]): OnnxFloat {
  const first = layers.find((l) => l.className !== "InputLayer");
  const dtype = first?.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`toONNX: layer '${first?.name}' is ${dtype}; models export to ONNX as float32 or float64`);
  return dtype;
}

/** @internal The bytes of an ONNX model from a built graph. */
export function finishModel(name: string, g: OnnxGraphBuilder, inputs: OnnxValueInfo[], outputs: { value: OnnxValue; name: string }[]): Uint8Array {
  for (const { value, name: outName } of outputs) {
    const v = g.toNhwc(value, outName);
    g.nodes.push({ opType: "Identity", name: outName, inputs: [v.name], outputs: [outName] });
  }
  return encodeModel({
    name, nodes: g.nodes, initializers: g.initializers, inputs,
    outputs: outputs.map(({ value, name: outName }) => valueInfo(outName, value.shape, g.elemType)), producerVersion: "0.1.0",
  });
}

/**
 * @internal A sequential stack of layers as ONNX bytes: input `input` (NHWC, as `predict` takes
 * it), output `output`.
 */
export function layersToOnnx(modelName: string, layers: readonly Layer[], inputShape: LayerShape): Uint8Array {
  const g = new OnnxGraphBuilder(modelDtype(layers));
  g.unique("input");
  g.unique("output");
  const input: OnnxValue = { name: "input", shape: inputShape, nchw: false, ids: layers[0] instanceof Embedding };
  let v = input;
  noGrad(() => {
    for (const layer of layers) v = convertLayer(layer, [v], g);
  });
  return finishModel(modelName, g, [inputInfo(input, g)], [{ value: v, name: "output" }]);
}

