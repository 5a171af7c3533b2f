/**
 * ONNX export of the sequence layers: embedding → `Gather`, layer normalization →
 * `LayerNormalization` (opset 17; the decomposed form when the normalized axes are not the last
 * ones, which the ONNX op cannot say), simpleRNN → `RNN`, lstm → `LSTM`.
 *
 * ONNX's recurrent ops read time-major inputs `[time, batch, features]` (onnxruntime does not run
 * their batch-major `layout = 1`), so the sequence is transposed in and the output back. Their
 * weights are stored as `[directions, gates·units, features]`, the transposes of Keras', and
 * ONNX's LSTM orders its gates i, o, f, c where Keras (and gradtape) order them i, f, c, o: the
 * blocks are reordered on export. `goBackwards` reverses the sequence with a `Slice` before a
 * forward op, which gives Keras' output order with `returnSequences` as well (ONNX's own
 * `reverse` direction would give the outputs in the input's order).
 * @module
 */
import type { Tensor } from "../../tensor/tensor.js";
import { concat, reshape, transpose } from "../../ops/shape.js";
import { split } from "../../ops/stacking.js";
import { ones, zeros } from "../../tensor/create.js";
import { builtInActivationOf, type ActivationName } from "../../layers/activations.js";
import type { Layer } from "../../layers/layer.js";
import { Embedding } from "../../layers/embedding.js";
import { LayerNormalization } from "../../layers/layer-normalization.js";
import { LSTM } from "../../layers/lstm.js";
import { SimpleRNN } from "../../layers/simple-rnn.js";
import { ONNX_INT32 } from "./messages.js";
import type { OnnxGraphBuilder, OnnxValue } from "./export.js";

/** Where each of ONNX's LSTM gate blocks (i, o, f, c) sits in Keras' order (i, f, c, o). */
const LSTM_GATES_FROM_KERAS = [0, 3, 1, 2];

/** ONNX's name of an activation inside a recurrent op; softmax and leaky relu have none that gradtape's match. */
function recurrentActivation(layer: Layer, name: ActivationName): string {
  const onnx: Partial<Record<ActivationName, string>> = { tanh: "Tanh", sigmoid: "Sigmoid", relu: "Relu", linear: "Affine" };
  const found = onnx[name];
  if (found === undefined) {
    throw new Error(`toONNX: layer '${layer.name}' (${layer.className}) uses the activation '${name}', which ONNX's recurrent ops do not take; use tanh, sigmoid, relu or linear`);
  }
  return found;
}

/** `[gates·units, rows]` from a Keras kernel `[rows, gates·units]`, its gate blocks in ONNX's order, with a leading direction axis. */
function onnxGates(kernel: Tensor, gates: number): Tensor {
  const blocks = split(transpose(kernel), gates, 0);
  const ordered = gates === 4 ? LSTM_GATES_FROM_KERAS.map((k) => blocks[k]) : blocks;
  const rows = concat(ordered, 0);
  return reshape(rows, [1, ...rows.shape]);
}

function recurrent(layer: SimpleRNN | LSTM, v: OnnxValue, g: OnnxGraphBuilder): OnnxValue {
  const scope = layer.name;
  const gates = layer instanceof LSTM ? 4 : 1;
  const activations = layer instanceof LSTM ? [layer.recurrentActivation, layer.activation, layer.activation] : [layer.activation];
  const names = activations.map((a) => recurrentActivation(layer, builtInActivationOf("toONNX", layer, a)));
  let x = v.name;
  if (layer.goBackwards) {
    // Steps of -1 from the last index; ends below -time are clamped to "before the first".
    x = g.node("Slice", scope, [x, g.int64s(`${scope}/start`, [-1]), g.int64s(`${scope}/end`, [Number.MIN_SAFE_INTEGER]), g.int64s(`${scope}/axis`, [1]), g.int64s(`${scope}/step`, [-1])]);
  }
  x = g.node("Transpose", scope, [x], { perm: { ints: [1, 0, 2] } });
  const w = g.weight(`${scope}/W`, onnxGates(layer.kernel as Tensor, gates));
  const r = g.weight(`${scope}/R`, onnxGates(layer.recurrentKernel as Tensor, gates));
  const inputs = [x, w, r];
  if (layer.bias !== undefined) {
    // ONNX adds an input bias and a recurrent bias; Keras has one, so the recurrent one is zero.
    const width = layer.bias.shape[0];
    const wb = reshape(onnxGates(reshape(layer.bias, [1, width]), gates), [1, width]);
    inputs.push(g.weight(`${scope}/B`, concat([wb, zeros(wb.shape, wb.dtype)], 1)));
  }
  const attributes: Parameters<OnnxGraphBuilder["node"]>[3] = { hidden_size: { int: layer.units }, activations: { strings: names } };
  // Affine (a·x + b) is the identity with a = 1, b = 0; only it takes parameters among these.
  const affine = names.filter((n) => n === "Affine").length;
  if (affine > 0) Object.assign(attributes, { activation_alpha: { floats: new Array<number>(affine).fill(1) }, activation_beta: { floats: new Array<number>(affine).fill(0) } });
  const [y, yh] = g.nodeOutputs(layer instanceof LSTM ? "LSTM" : "RNN", scope, inputs, layer instanceof LSTM ? 3 : 2, attributes);
  const shape = layer.computeOutputShape(v.shape);
  if (!layer.returnSequences) return { name: g.node("Squeeze", scope, [yh, g.int64s(`${scope}/directions`, [0])]), shape, nchw: false };
  // Y is [time, directions, batch, units].
  const squeezed = g.node("Squeeze", scope, [y, g.int64s(`${scope}/directions`, [1])]);
  return { name: g.node("Transpose", scope, [squeezed], { perm: { ints: [1, 0, 2] } }), shape, nchw: false };
}

/** Layer normalization: ONNX's op over the last axes, or mean, variance and scale written out over any others. */
function layerNormalization(layer: LayerNormalization, given: OnnxValue, g: OnnxGraphBuilder): OnnxValue {
  const scope = layer.name;
  const v = g.toNhwc(given, scope);
  const rank = v.shape.length;
  const axes = (typeof layer.axis === "number" ? [layer.axis] : layer.axis).map((a) => (a < 0 ? rank + a : a)).sort((p, q) => p - q);
  const sizes = axes.map((a) => v.shape[a] as number);
  const suffix = axes.every((a, i) => a === rank - axes.length + i);
  const out = (name: string): OnnxValue => ({ name, shape: v.shape, nchw: false });
  if (suffix) {
    const gamma = layer.gamma ?? ones(sizes, layer.dtype);
    const inputs = [v.name, g.weight(`${scope}/gamma`, gamma)];
    if (layer.beta !== undefined) inputs.push(g.weight(`${scope}/beta`, layer.beta));
    return out(g.node("LayerNormalization", scope, inputs, { axis: { int: axes[0] }, epsilon: { float: layer.epsilon } }));
  }
  const along = v.shape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
  const reduce = { axes: { ints: axes }, keepdims: { int: 1 } };
  const centred = g.node("Sub", scope, [v.name, g.node("ReduceMean", scope, [v.name], reduce)]);
  const variance = g.node("ReduceMean", scope, [g.node("Mul", scope, [centred, centred])], reduce);
  const epsilon = g.weight(`${scope}/epsilon`, zeros([], layer.dtype).add(layer.epsilon));
  let y = g.node("Div", scope, [centred, g.node("Sqrt", scope, [g.node("Add", scope, [variance, epsilon])])]);
  if (layer.gamma !== undefined) y = g.node("Mul", scope, [y, g.weight(`${scope}/gamma`, reshape(layer.gamma, along))]);
  if (layer.beta !== undefined) y = g.node("Add", scope, [y, g.weight(`${scope}/beta`, reshape(layer.beta, along))]);
  return out(y);
}

/** Embedding: a `Gather` of the table's rows by int32 ids (a float input is cast first). */
function embeddingLookup(layer: Embedding, v: OnnxValue, g: OnnxGraphBuilder): OnnxValue {
  const scope = layer.name;
  const ids = v.ids === true ? v.name : g.node("Cast", scope, [v.name], { to: { int: ONNX_INT32 } });
  const table = g.weight(`${scope}/embeddings`, layer.embeddings as Tensor);
  return { name: g.node("Gather", scope, [table, ids], { axis: { int: 0 } }), shape: layer.computeOutputShape(v.shape), nchw: false };
}

/** @internal The sequence layers' ONNX, or undefined for a layer that is not one of them. */
export function convertSequenceLayer(layer: Layer, v: OnnxValue, g: OnnxGraphBuilder): OnnxValue | undefined {
  if (layer instanceof Embedding) return embeddingLookup(layer, v, g);
  if (layer instanceof LayerNormalization) return layerNormalization(layer, v, g);
  if (layer instanceof SimpleRNN || layer instanceof LSTM) return recurrent(layer, v, g);
  return undefined;
}

/** @internal The sequence layer classes exported. */
export const SEQUENCE_EXPORTABLE = ["Embedding", "LayerNormalization", "SimpleRNN", "LSTM"];
