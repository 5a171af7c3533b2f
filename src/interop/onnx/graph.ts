/**
 * ONNX export of functional models: the graph's layer applications in order, each converted as
 * in a sequential export, and the merge layers as ONNX's elementwise ops and `Concat`. The inputs
 * and outputs keep the sequential export's names, `input` and `output`, when there is one of
 * each; otherwise they take the names of their layers.
 * @module
 */
import { noGrad } from "../../autograd/tape.js";
import type { Functional } from "../../layers/functional.js";
import type { Layer } from "../../layers/layer.js";
import type { ModelOutput } from "../../layers/model.js";
import type { SymbolicTensor } from "../../layers/symbolic.js";
import { convertLayer, finishModel, inputInfo, modelDtype, NHWC_AXIS_IN_NCHW, OnnxGraphBuilder, type OnnxValue } from "./export.js";

/** ONNX's op for each elementwise merge layer; the variadic ones take every input at once. */
const MERGE_OPS: Record<string, { op: string; variadic: boolean }> = {
  Add: { op: "Sum", variadic: true },
  Average: { op: "Mean", variadic: true },
  Maximum: { op: "Max", variadic: true },
  Minimum: { op: "Min", variadic: true },
  Multiply: { op: "Mul", variadic: false },
  Subtract: { op: "Sub", variadic: false },
};

/**
 * A merge layer on `inputs`: in NCHW when every input is held so (a CNN's branches stay
 * channels first), in gradtape's layout otherwise.
 */
function convertMerge(layer: Layer, inputs: readonly OnnxValue[], g: OnnxGraphBuilder, output: SymbolicTensor): OnnxValue {
  const scope = layer.name;
  const nchw = inputs.every((v) => v.nchw);
  const names = inputs.map((v) => (nchw ? v : g.toNhwc(v, scope)).name);
  if (layer.className === "Concatenate") {
    const rank = output.shape.length;
    const given = (layer as Layer & { axis: number }).axis;
    const axis = given < 0 ? given + rank : given;
    return { name: g.node("Concat", scope, names, { axis: { int: nchw ? NHWC_AXIS_IN_NCHW[axis] : axis } }), shape: output.shape, nchw };
  }
  const { op, variadic } = MERGE_OPS[layer.className];
  const name = variadic ? g.node(op, scope, names) : names.slice(1).reduce((acc, n) => g.node(op, scope, [acc, n]), names[0]);
  return { name, shape: output.shape, nchw };
}

/** @internal A functional model as ONNX bytes. */
export function graphToOnnx(model: Functional<ModelOutput>): Uint8Array {
  const g = new OnnxGraphBuilder(modelDtype(model.graphNodes.map((n) => n.layer)));
  const { inputs, outputs } = model;
  const inputNames = inputs.length === 1 ? ["input"] : inputs.map((t) => t.name);
  const outputNames = outputs.length === 1 ? ["output"] : outputs.map((t) => t.name);
  for (const n of [...inputNames, ...outputNames]) g.unique(n);
  const values = new Map<SymbolicTensor, OnnxValue>();
  // An input only embeddings read holds ids, fed as int32.
  const readers = (t: SymbolicTensor) => model.graphNodes.filter((n) => n.inputs.includes(t)).map((n) => n.layer.className);
  inputs.forEach((t, i) => values.set(t, { name: inputNames[i], shape: t.shape, nchw: false, ids: readers(t).every((c) => c === "Embedding") }));
  noGrad(() => {
    for (const node of model.graphNodes) {
      const ins = node.inputs.map((t) => values.get(t) as OnnxValue);
      const layer = node.layer;
      if (layer.takesList && !(layer.className in MERGE_OPS) && layer.className !== "Concatenate") {
        throw new Error(`toONNX: layer '${layer.name}' (${layer.className}) cannot be exported to ONNX`);
      }
      values.set(node.output, layer.takesList ? convertMerge(layer, ins, g, node.output) : convertLayer(layer, ins, g));
    }
  });
  return finishModel(model.name, g, inputs.map((t) => inputInfo(values.get(t) as OnnxValue, g)), outputs.map((t, i) => ({ value: values.get(t) as OnnxValue, name: outputNames[i] })));
}
