/**
 * Functional models (Keras' functional API): `gt.model({ inputs, outputs })` over a graph of layer
 * applications recorded by `layer.apply(symbolic)`. The model is a {@link Model}, so `call`,
 * `predict`, the weights, `compile` / `fit` / `evaluate`, saving and checkpoints work as for a
 * sequential model; several inputs and outputs are lists, and a layer applied twice is one layer
 * with one set of weights.
 * @module
 */
import { shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike } from "../tensor/tensor.js";
import { toTensor } from "../ops/lift.js";
import { formatShape, fmtLayerShape, Layer, uniqueName, type CallOptions, type LayerConfig, type LayerShape } from "./layer.js";
import { InputLayer } from "./input-layer.js";
import { drawSummary, isTensorList, Model, type ModelInput, type ModelOutput } from "./model.js";
import { checkOptions } from "./options.js";
import { SymbolicTensor, type Node } from "./symbolic.js";
import { registerFunctional } from "./serialize.js";

/** A reference to a symbolic tensor in a saved graph: `[layer name, node index, tensor index]`, as Keras. */
export type TensorRef = [string, number, number];

/** A layer of a saved functional model: its config and the inputs of each of its applications. */
export interface FunctionalLayerConfig extends LayerConfig {
  /** One entry per application of the layer (several for a shared layer): the tensors it took. */
  inboundNodes: TensorRef[][];
}

/** The JSON-able architecture of a functional model (Keras' config with camelCase keys). */
export interface FunctionalConfig {
  /** Always `'Functional'`. */
  className: "Functional";
  /** The model's name, layers and graph. */
  config: {
    /** The model's name. */
    name: string;
    /** Every layer, inputs first, each with its inbound nodes. */
    layers: FunctionalLayerConfig[];
    /** The model's inputs: one reference, or a list when the inputs were given as a list. */
    inputLayers: TensorRef | TensorRef[];
    /** The model's outputs: one reference, or a list when the outputs were given as a list. */
    outputLayers: TensorRef | TensorRef[];
  };
}

/** Options of {@link model}. */
export interface FunctionalOptions {
  /** The symbolic input (from `gt.input`), or a list of them for a model with several inputs. */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The symbolic output, or a list: then `call` and `predict` return a list of tensors. */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's name (default `model`, `model_1`, …). */
  name?: string;
}

/**
 * A model over a graph of layers: what {@link model} returns. It runs each recorded layer
 * application in the order it was written, on the tensors the graph feeds it.
 */
export class Functional<O extends ModelOutput = Tensor> extends Model<O> {
  /** The symbolic inputs, in order. */
  readonly inputs: readonly SymbolicTensor[];
  /** The symbolic outputs, in order. */
  readonly outputs: readonly SymbolicTensor[];
  private readonly inputList: boolean;
  private readonly outputList: boolean;
  /** The layer applications to run, in creation order (a topological order). */
  private readonly nodes: readonly Node[];
  private readonly graphLayers: readonly Layer[];
  /** Each node's index among its layer's nodes in this model, as saved configs and the summary count. */
  private readonly nodeIndex = new Map<Node, number>();

  /**
   * @throws Error when an input is not from `gt.input`, an output is not symbolic, an output
   * depends on an input not listed, or two layers share a name.
   */
  constructor(options: FunctionalOptions) {
    checkOptions("model", options, ["inputs", "outputs", "name"]);
    if (options === null || typeof options !== "object") throw new Error(`model: expected { inputs, outputs, name? }, got ${describe(options)}`);
    const name = options.name;
    if (name !== undefined && (typeof name !== "string" || name === "")) throw new Error(`model: name must be a non-empty string, got ${describe(name)}`);
    const inputList = Array.isArray(options.inputs);
    const outputList = Array.isArray(options.outputs);
    const inputs = symbolicList("inputs", options.inputs);
    const outputs = symbolicList("outputs", options.outputs);
    inputs.forEach((t, i) => {
      if (!(t.node.layer instanceof InputLayer)) {
        throw new Error(`model: inputs${inputList ? `[${i}]` : ""} is ${describeTensor(t)}, not a model input; give the tensors gt.input returned`);
      }
      if (inputs.indexOf(t) !== i) throw new Error(`model: input '${t.name}' is listed twice in inputs`);
    });
    super([], { name: name ?? uniqueName("model") });
    this.inputs = inputs;
    this.outputs = outputs;
    this.inputList = inputList;
    this.outputList = outputList;

    const seen = new Set<Node>();
    const stack = outputs.map((t) => t.node);
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (seen.has(node)) continue;
      seen.add(node);
      if (node.layer instanceof InputLayer && !inputs.includes(node.output)) {
        throw new Error(`model: the outputs depend on the input '${node.layer.name}' (shape ${formatShape(node.output.shape)}), which is not in inputs`);
      }
      for (const t of node.inputs) stack.push(t.node);
    }
    this.nodes = [...seen].filter((n) => !(n.layer instanceof InputLayer)).sort((a, b) => a.id - b.id);
    const layers: Layer[] = inputs.map((t) => t.node.layer);
    for (const node of this.nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
    const byName = new Map<string, Layer>();
    for (const layer of layers) {
      const other = byName.get(layer.name);
      if (other !== undefined) throw new Error(`model: two different layers are named '${layer.name}' (${other.className} and ${layer.className}); layer names must be unique in a model`);
      byName.set(layer.name, layer);
    }
    this.graphLayers = layers;
    for (const t of inputs) this.nodeIndex.set(t.node, 0);
    const counts = new Map<Layer, number>();
    for (const node of this.nodes) {
      const k = counts.get(node.layer) ?? 0;
      this.nodeIndex.set(node, k);
      counts.set(node.layer, k + 1);
    }
  }

  /** @internal The layer applications in the order `call` runs them (for converters such as `toONNX`). */
  get graphNodes(): readonly Node[] {
    return this.nodes;
  }

  /** Every layer, inputs first, then in the order the graph first uses them (a shared layer once). */
  override get layers(): readonly Layer[] {
    return this.graphLayers.slice();
  }

  /** Always true: every layer was built when it was applied to the inputs' shapes. */
  override get built(): boolean {
    return true;
  }

  /** Nothing to do: a functional model is built when it is made. */
  override build(_inputShape: LayerShape): void {}

  /** @throws Error always: a functional model's graph is fixed when it is made. */
  override add(layer: Layer): void {
    throw new Error(`${this.name}: add() appends to sequential models; a functional model's layers are fixed by its inputs and outputs (got ${describe(layer)})`);
  }

  /** The shape of the (first) input, batch `null`. */
  override get inputShape(): LayerShape | undefined {
    return this.inputs[0].shape;
  }

  /** Each layer's output shape (batch `null`), for a shared layer that of its first application. */
  override outputShapes(): LayerShape[] {
    return this.graphLayers.map((l) => (l instanceof InputLayer ? l.output : (this.nodes.find((n) => n.layer === l) as Node).output).shape);
  }

  /**
   * The forward pass: each layer application of the graph, in order, on real tensors. Inside
   * `tape.record` it is recorded like any op.
   * @param x - one batch, or a list of batches in the order of `inputs` for several inputs.
   * @returns one tensor, or a list in the order of `outputs` when they were given as a list.
   * @throws Error when the number of inputs or an input's sample shape does not fit.
   */
  override call(x: ModelInput, options: CallOptions = {}): O {
    const xs = this.readInputs(this.name, x);
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((t, i) => values.set(t, xs[i]));
    for (const node of this.nodes) {
      const args = node.inputs.map((t) => values.get(t) as Tensor);
      values.set(node.output, node.layer.apply(node.list ? args : args[0], options));
    }
    const out = this.outputs.map((t) => values.get(t) as Tensor);
    return (this.outputList ? out : out[0]) as O;
  }

  /** @internal The inputs as tensors, checked against the symbolic inputs' sample shapes. */
  readInputs(where: string, x: ModelInput): Tensor[] {
    const n = this.inputs.length;
    const list = isTensorList(x);
    if (!list && n > 1) throw new Error(`${where}: the model has ${n} inputs (${this.inputNames().join(", ")}), so it takes a list of ${n} tensors, got ${describe(x)}`);
    if (list && x.length !== n) throw new Error(`${where}: the model has ${n} input${n === 1 ? "" : "s"} (${this.inputNames().join(", ")}) but was given a list of ${x.length} tensors`);
    const xs = list ? [...x] : [toTensor(where, x as TensorLike, this.inputs[0].dtype)];
    xs.forEach((t, i) => {
      const want = this.inputs[i].shape;
      if (t.rank !== want.length || !shapesEqual(t.shape.slice(1), want.slice(1) as number[])) {
        throw new Error(`${where}: input '${this.inputs[i].name}' takes batches of shape ${fmtLayerShape(want)}, got a tensor of shape [${t.shape.join(", ")}]`);
      }
    });
    return xs;
  }

  /** The names of the inputs' layers, in order. */
  inputNames(): string[] {
    return this.inputs.map((t) => t.name);
  }

  /** The names of the layers that produce the outputs, in order: how `loss` and logs name outputs. */
  override outputNames(): string[] {
    return this.outputs.map((t) => t.name);
  }

  /** @internal True when `call` returns a list. */
  override get returnsList(): boolean {
    return this.outputList;
  }

  /**
   * Keras' table for functional models: each layer with its type, output shape, parameter count,
   * and the tensors it is connected to (`'dense[0][0]'`: layer, application, output); a shared
   * layer has one line per application.
   * @param print - receives each line (default `console.log`).
   * @example `model.summary()`
   */
  override summary(print: (line: string) => void = console.log): string {
    const rows: string[][] = [];
    for (const layer of this.graphLayers) {
      const nodes = layer instanceof InputLayer ? [layer.inboundNodes[0]] : this.nodes.filter((n) => n.layer === layer);
      nodes.forEach((node, k) => {
        const connected = `[${node.inputs.map((t) => this.ref(t)).map(([n, k]) => `'${n}[${k}][0]'`).join(", ")}]`;
        const shape = layer instanceof InputLayer ? `[${formatShape(node.output.shape)}]` : formatShape(node.output.shape);
        rows.push(k === 0 ? [` ${layer.name} (${layer.className})`, shape, String(layer.countParams()), connected] : ["", "", "", connected]);
      });
    }
    return drawSummary(this, ["Layer (type)", "Output Shape", "Param #", "Connected to"], [32, 21, 12, 33], rows, print);
  }

  /** @internal `[layer name, node index, 0]` of a symbolic tensor of this model. */
  ref(t: SymbolicTensor): TensorRef {
    return [t.name, this.nodeIndex.get(t.node) as number, 0];
  }

  /** The architecture as plain JSON (Keras' layout: layers with inbound nodes, input and output references). */
  override getConfig(): FunctionalConfig {
    const layers = this.graphLayers.map((layer) => ({
      ...layer.toJSON(),
      inboundNodes: layer instanceof InputLayer ? [] : this.nodes.filter((n) => n.layer === layer).map((n) => n.inputs.map((t) => this.ref(t))),
    }));
    const inputs = this.inputs.map((t) => this.ref(t));
    const outputs = this.outputs.map((t) => this.ref(t));
    return {
      className: "Functional",
      config: { name: this.name, layers, inputLayers: this.inputList ? inputs : inputs[0], outputLayers: this.outputList ? outputs : outputs[0] },
    };
  }
}

/**
 * A functional model from symbolic inputs to symbolic outputs (Keras' `keras.Model(inputs,
 * outputs)`, TF.js' `tf.model`). Every layer between them, each once, belongs to the model; a
 * layer applied twice shares its weights.
 * @param options - `inputs` (from `gt.input`; a list for several), `outputs` (a list makes
 * `call` and `predict` return lists), `name`.
 * @returns a {@link Model}: `call`, `predict`, `compile` / `fit` / `evaluate`, `save`, `summary`.
 * @throws Error when an input is not from `gt.input`, an output is not a symbolic tensor, an
 * output depends on an input not listed, or two layers share a name.
 * @example
 * ```ts
 * const x = gt.input({ shape: [784] });
 * const h = gt.layers.dense({ units: 64, activation: "relu" }).apply(x);
 * const r = gt.layers.add().apply([gt.layers.dense({ units: 64, activation: "relu" }).apply(h), h]);
 * const net = gt.model({ inputs: x, outputs: gt.layers.dense({ units: 10 }).apply(r) });
 * ```
 */
export function model(options: FunctionalOptions & { outputs: readonly SymbolicTensor[] }): Functional<Tensor[]>;
export function model(options: FunctionalOptions & { outputs: SymbolicTensor }): Functional<Tensor>;
export function model(options: FunctionalOptions): Functional<ModelOutput>;
export function model(options: FunctionalOptions): Functional<ModelOutput> {
  return new Functional<ModelOutput>(options);
}

/**
 * @internal Rebuilds a functional model from {@link Functional.getConfig}: makes each layer with
 * `makeLayer`, then applies each layer's inbound nodes once their inputs exist (a shared layer's
 * nodes in their saved order, so node indices match). `where` prefixes the messages.
 * @throws Error for a reference to an unknown layer or node, or a graph that never completes.
 */
export function functionalFromConfig(spec: FunctionalConfig, makeLayer: (config: LayerConfig) => Layer, where = "modelFromConfig"): Functional<ModelOutput> {
  const c = spec.config;
  if (c === null || typeof c !== "object" || !Array.isArray(c.layers)) throw new Error(`${where}: expected { className: 'Functional', config: { name, layers, inputLayers, outputLayers } }, got ${describe(spec)}`);
  const tensors = new Map<string, SymbolicTensor[]>();
  const pending: { layer: Layer; nodes: TensorRef[][] }[] = [];
  for (const [i, entry] of c.layers.entries()) {
    const { inboundNodes, ...layerSpec } = entry;
    if (!Array.isArray(inboundNodes)) throw new Error(`${where}: layers[${i}] ('${entry.config?.name}') has no inboundNodes list`);
    const layer = makeLayer(layerSpec);
    if (tensors.has(layer.name)) throw new Error(`${where}: two layers are named '${layer.name}'`);
    tensors.set(layer.name, layer instanceof InputLayer ? [layer.output] : []);
    if (!(layer instanceof InputLayer)) pending.push({ layer, nodes: inboundNodes.slice() });
  }
  const resolve = (ref: unknown, what: string): SymbolicTensor | undefined => {
    if (!Array.isArray(ref) || ref.length !== 3 || typeof ref[0] !== "string" || !Number.isInteger(ref[1]) || ref[2] !== 0) {
      throw new Error(`${where}: ${what} must be a reference [layerName, nodeIndex, 0], got ${JSON.stringify(ref)}`);
    }
    const outs = tensors.get(ref[0]);
    if (outs === undefined) throw new Error(`${where}: ${what} refers to layer '${ref[0]}', which the config does not have`);
    return outs[ref[1]];
  };
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (p.nodes.length > 0) {
        const refs = p.nodes[0];
        if (!Array.isArray(refs) || refs.length === 0) throw new Error(`${where}: an inbound node of '${p.layer.name}' must be a non-empty list of references, got ${JSON.stringify(refs)}`);
        const args = refs.map((r) => resolve(r, `an inbound node of '${p.layer.name}'`));
        if (args.some((a) => a === undefined)) break;
        const ins = args as SymbolicTensor[];
        (tensors.get(p.layer.name) as SymbolicTensor[]).push(p.layer.apply(p.layer.takesList ? ins : ins[0]));
        p.nodes.shift();
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.nodes.length > 0);
  if (stuck !== undefined) throw new Error(`${where}: the inbound nodes of '${stuck.layer.name}' refer to ${JSON.stringify(stuck.nodes[0])}, which no layer of the config produces`);
  const pick = (refs: unknown, what: string): SymbolicTensor | SymbolicTensor[] => {
    const one = (r: unknown) => {
      const t = resolve(r, what);
      if (t === undefined) throw new Error(`${where}: ${what} refers to ${JSON.stringify(r)}, which no layer of the config produces`);
      return t;
    };
    return Array.isArray(refs) && Array.isArray(refs[0]) ? refs.map(one) : one(refs);
  };
  return new Functional<ModelOutput>({ inputs: pick(c.inputLayers, "inputLayers"), outputs: pick(c.outputLayers, "outputLayers"), name: c.name });
}

function symbolicList(what: string, value: unknown): SymbolicTensor[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new Error(`model: ${what} must be a symbolic tensor or a non-empty list of them, got an empty list`);
  items.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      const hint = t instanceof Tensor ? " (a real tensor: build the graph from gt.input and layer.apply)" : "";
      throw new Error(`model: ${what}${Array.isArray(value) ? `[${i}]` : ""} must be a symbolic tensor (from gt.input or layer.apply), got ${describe(t)}${hint}`);
    }
  });
  return items as SymbolicTensor[];
}

function describeTensor(t: SymbolicTensor): string {
  return `the output of '${t.name}' (${t.node.layer.className}, shape ${formatShape(t.shape)})`;
}

registerFunctional(functionalFromConfig);
