/**
 * ONNX's messages (onnx/onnx.proto) as plain objects, and their encoding: ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto and ValueInfoProto, with only the fields an
 * exported gradtape model uses. Field numbers are onnx.proto's.
 * @module
 */
import { ProtoWriter } from "./protobuf.js";

/** The ONNX IR version written: 8 (ONNX 1.10 to 1.12), the one opset 17 belongs with. */
export const ONNX_IR_VERSION = 8;
/**
 * The default-domain operator set written: 17 (ONNX 1.12, 2022), the first with
 * LayerNormalization; onnxruntime has run it since 1.13.
 */
export const ONNX_OPSET = 17;

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_DOUBLE = 11;

/** An attribute: a float, an integer, a list of floats or integers, a string or a list of strings. */
export type OnnxAttribute = { float: number } | { int: number } | { ints: readonly number[] } | { string: string } | { strings: readonly string[] } | { floats: readonly number[] };

/** One NodeProto. */
export interface OnnxNode {
  /** The operator, e.g. `Conv`. */
  opType: string;
  /** The node's name (Netron shows it). */
  name: string;
  /** Names of the input values; `""` leaves an optional input out. */
  inputs: readonly string[];
  /** Names of the output values. */
  outputs: readonly string[];
  /** Attributes by name. */
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** One TensorProto with its data as little-endian raw bytes. */
export interface OnnxInitializer {
  /** The value's name, as nodes refer to it. */
  name: string;
  /** Its shape. */
  dims: readonly number[];
  /** Its values: float32, float64, int32 or int64. */
  data: Float32Array | Float64Array | Int32Array | BigInt64Array;
}

/** One ValueInfoProto of a tensor: a name, an element type and a shape whose unknown sizes are named (`batch`). */
export interface OnnxValueInfo {
  /** The value's name. */
  name: string;
  /** The TensorProto.DataType of its elements: {@link ONNX_FLOAT}, {@link ONNX_DOUBLE} or {@link ONNX_INT32}. */
  elemType: number;
  /** Each dimension: a size, or a symbolic name for a size known only at run time. */
  dims: readonly (number | string)[];
}

/** A whole model: one graph, its weights, its inputs and outputs. */
export interface OnnxModel {
  /** The graph's name. */
  name: string;
  /** The nodes, in an order where every input is defined before it is used. */
  nodes: readonly OnnxNode[];
  /** The weights and constants. */
  initializers: readonly OnnxInitializer[];
  /** The graph's inputs. */
  inputs: readonly OnnxValueInfo[];
  /** The graph's outputs. */
  outputs: readonly OnnxValueInfo[];
  /** Written to the model's producer_version. */
  producerVersion: string;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  if ("float" in a) w.float(2, a.float).varint(20, ATTRIBUTE_TYPE.float);
  else if ("int" in a) w.varint(3, a.int).varint(20, ATTRIBUTE_TYPE.int);
  else if ("string" in a) w.string(4, a.string).varint(20, ATTRIBUTE_TYPE.string);
  else if ("floats" in a) {
    for (const v of a.floats) w.float(7, v);
    w.varint(20, ATTRIBUTE_TYPE.floats);
  } else if ("strings" in a) {
    for (const v of a.strings) w.string(9, v);
    w.varint(20, ATTRIBUTE_TYPE.strings);
  } else {
    for (const v of a.ints) w.varint(8, v);
    w.varint(20, ATTRIBUTE_TYPE.ints);
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, a));
}

function writeTensor(w: ProtoWriter, t: OnnxInitializer): void {
  for (const d of t.dims) w.varint(1, d);
  const d = t.data;
  w.varint(2, d instanceof Float32Array ? ONNX_FLOAT : d instanceof Float64Array ? ONNX_DOUBLE : d instanceof Int32Array ? ONNX_INT32 : ONNX_INT64);
  w.string(8, t.name);
  // raw_data is little-endian; so is every platform JavaScript runs on in practice, but say it.
  const bytes = new Uint8Array(d.byteLength);
  const view = new DataView(bytes.buffer);
  if (d instanceof Float32Array) d.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else if (d instanceof Float64Array) d.forEach((v, i) => view.setFloat64(8 * i, v, true));
  else if (d instanceof Int32Array) d.forEach((v, i) => view.setInt32(4 * i, v, true));
  else d.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  w.bytes(9, bytes);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  // TypeProto.tensor_type { elem_type, shape { dim { dim_value | dim_param } } }
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.varint(1, v.elemType);
    tensor.message(2, (shape) => {
      for (const d of v.dims) shape.message(1, (dim) => (typeof d === "number" ? dim.varint(1, d) : dim.string(2, d)));
    });
  }));
}

/** The ModelProto's bytes: what an `.onnx` file holds. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, ONNX_IR_VERSION);
  w.string(2, "gradtape").string(3, model.producerVersion);
  w.message(7, (g) => {
    for (const n of model.nodes) g.message(1, (m) => writeNode(m, n));
    g.string(2, model.name);
    for (const t of model.initializers) g.message(5, (m) => writeTensor(m, t));
    for (const v of model.inputs) g.message(11, (m) => writeValueInfo(m, v));
    for (const v of model.outputs) g.message(12, (m) => writeValueInfo(m, v));
  });
  w.message(8, (o) => o.string(1, "").varint(2, ONNX_OPSET));
  return w.finish();
}
