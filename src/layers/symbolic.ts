/**
 * Symbolic tensors, the placeholders of the functional API: `gt.input({ shape })` makes one, and
 * `layer.apply(symbolic)` records a node (which layer, on which symbolic inputs) and returns the
 * symbolic output, its shape inferred at once. `gt.model({ inputs, outputs })` then runs the
 * recorded graph on real tensors.
 * @module
 */
import { checkDType, type DType } from "../tensor/dtype.js";
import { describe } from "../tensor/tensor.js";
import { zeros } from "../tensor/create.js";
import { noGrad } from "../autograd/tape.js";
import type { Tensor } from "../tensor/tensor.js";
import { formatShape, type Layer, type LayerShape } from "./layer.js";
import { checkLayerShape } from "./options.js";

/** @internal One application of a layer in a graph: its symbolic inputs and output. */
export interface Node {
  /** The layer applied. */
  readonly layer: Layer;
  /** The symbolic tensors it was applied to, in order. */
  readonly inputs: readonly SymbolicTensor[];
  /** True when the layer was given a list (merge layers), false for one tensor. */
  readonly list: boolean;
  /** Creation order: a valid topological order of every graph, and the order the user wrote. */
  readonly id: number;
  /** The symbolic output (set right after the node is made). */
  output: SymbolicTensor;
}

let nextNodeId = 0;

/**
 * A placeholder for a batch of tensors in a functional graph: a shape whose batch dimension is
 * `null`, a dtype, and the layer application that produces it. It holds no values; pass it to
 * `layer.apply` to grow the graph and to `gt.model({ inputs, outputs })` to make a model.
 *
 * @example
 * ```ts
 * const x = gt.input({ shape: [784] });            // shape [null, 784]
 * const h = gt.layers.dense({ units: 32 }).apply(x); // shape [null, 32]
 * ```
 */
export class SymbolicTensor {
  /** The shape, batch dimension first and `null`. */
  readonly shape: LayerShape;
  /** The dtype of the values it will hold. */
  readonly dtype: DType;
  /** @internal The layer application that produces it. */
  readonly node: Node;

  /** @internal Made by `gt.input` and `layer.apply`. */
  constructor(shape: LayerShape, dtype: DType, node: Node) {
    checkLayerShape("SymbolicTensor", shape, "shape");
    checkDType(dtype, "SymbolicTensor");
    if (node === null || typeof node !== "object" || !("layer" in node)) throw new Error(`SymbolicTensor: node must be the layer application that makes it; symbolic tensors come from gt.input and layer.apply, got ${describe(node)}`);
    this.shape = shape.slice();
    this.dtype = dtype;
    this.node = node;
  }

  /** The number of dimensions, batch included. */
  get rank(): number {
    return this.shape.length;
  }

  /** The name of the layer that produces it. */
  get name(): string {
    return this.node.layer.name;
  }

  /** `SymbolicTensor(shape=(None, 784), dtype=float32, from 'input')`. */
  toString(): string {
    return `SymbolicTensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}, from '${this.name}')`;
  }
}

/** @internal True for a symbolic tensor or a non-empty array holding only symbolic tensors. */
export function isSymbolic(x: unknown): x is SymbolicTensor | readonly SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return true;
  return Array.isArray(x) && x.length > 0 && x.some((t) => t instanceof SymbolicTensor);
}

/** `'dense' (shape (None, 32))`, for messages. */
export function describeSymbolic(t: SymbolicTensor): string {
  return `the output of '${t.name}' (shape ${formatShape(t.shape)})`;
}

/**
 * @internal `layer.apply` on symbolic inputs: builds the layer for their shapes, infers the output
 * shape, and records the node. When every dimension but the batch is known, the layer also runs
 * once on a batch of one zero sample, outside any tape, so a shape the layer cannot take fails
 * here, at the line that wires it, rather than at the first `fit`; the output shape and dtype
 * are the ones that run produced.
 * @throws Error naming the layer and the shapes it was given.
 */
export function connect(layer: Layer, x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
  const list = Array.isArray(x);
  const inputs: SymbolicTensor[] = list ? [...(x as readonly SymbolicTensor[])] : [x as SymbolicTensor];
  inputs.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      throw new Error(`${layer.name}: element ${i} of the list is ${describe(t)}, but the others are symbolic tensors; apply a layer to symbolic tensors only (from gt.input or another layer's apply) or to real tensors only`);
    }
  });
  const shapes = inputs.map((t) => t.shape);
  const wasBuilt = layer.built;
  const fail = (e: unknown): never => {
    const message = e instanceof Error ? e.message : String(e);
    // The layer's own message names it already; say its name once.
    const why = message.startsWith(`${layer.name}: `) ? message.slice(layer.name.length + 2) : message;
    const built = wasBuilt && layer.buildInputShape !== undefined && !list ? ` (it was built for inputs of shape ${formatShape(layer.buildInputShape)})` : "";
    throw new Error(`${layer.name}: cannot be applied to ${inputs.map(describeSymbolic).join(" and ")}${built}: ${why}`);
  };
  let shape: LayerShape;
  try {
    shape = layer.inferShape(list ? shapes : shapes[0]);
  } catch (e) {
    return fail(e);
  }
  let dtype = layer.dtype;
  if (shapes.every((s) => s.slice(1).every((d) => d !== null))) {
    let probe: Tensor;
    try {
      const samples = inputs.map((t) => zeros([1, ...(t.shape.slice(1) as number[])], t.dtype));
      probe = noGrad(() => layer.apply(list ? samples : samples[0], { training: false }));
    } catch (e) {
      return fail(e);
    }
    shape = [null, ...probe.shape.slice(1)];
    dtype = probe.dtype;
  }
  const node: Node = { layer, inputs, list, id: nextNodeId++, output: undefined as unknown as SymbolicTensor };
  node.output = new SymbolicTensor(shape, dtype, node);
  layer.inboundNodes.push(node);
  return node.output;
}

/** Options of {@link input}. */
export interface InputOptions {
  /** The shape of one sample, without the batch dimension: `[784]`, `[28, 28, 1]`. */
  shape: readonly number[];
  /** The dtype of the values (default `'float32'`; `'int32'` for ids fed to an embedding). */
  dtype?: DType;
  /** The input's name (default `input`, `input_1`, …), as printed by `summary()`. */
  name?: string;
}

/** @internal Checks `gt.input`'s options; the layer itself is made in input-layer.ts. */
export function checkInputOptions(options: InputOptions): { shape: number[]; dtype: DType } {
  if (options === null || typeof options !== "object") throw new Error(`input: expected options { shape, dtype?, name? }, got ${describe(options)}`);
  const s = options.shape;
  if (!Array.isArray(s) || s.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 1)) {
    throw new Error(`input: shape must be the shape of one sample, an array of positive integers without the batch dimension (e.g. [784]), got ${s === undefined ? "undefined" : JSON.stringify(s)}`);
  }
  return { shape: s.slice(), dtype: checkDType(options.dtype ?? "float32", "input") };
}
