/**
 * The reverse-mode gradient tape.
 *
 * While `tape.record(fn)` runs, every op whose inputs the tape watches appends a node: the ids of
 * its inputs and output and a closure that maps the output's gradient to the inputs' gradients.
 * `tape.gradient` keeps only the nodes between the sources and the target, walks them backwards
 * with a map from tensor id to gradient, and sums each gradient down to its input's shape, which
 * is where broadcasting is undone for every op at once.
 *
 * Backward closures are written with public ops, so the ops they run are recorded by any other
 * tape that is recording at the time: a tape inside another tape's `record` yields higher-order
 * gradients, as in TensorFlow.
 * @module
 */
import { describe, nextTensorId, Tensor, Variable, type TensorLike } from "../tensor/tensor.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { onesLike, zerosLike } from "../tensor/create.js";
import { add } from "../ops/arithmetic.js";
import { sumToShape } from "../ops/shape.js";
import { buildGraph, graphToDot, type OpRecord, type TapeGraph, type TapeGraphOptions } from "./graph.js";
import { cast, toTensor } from "../ops/lift.js";

/** One recorded op. */
interface TapeNode {
  readonly op: string;
  readonly inputIds: number[];
  readonly inputs: readonly Tensor[];
  readonly outputId: number;
  /**
   * The inputs' gradients from the output's. `needs[i]` says whether input i leads back to a
   * source; a rule may return null for the others and skip their work (a layer's input, say).
   */
  readonly backward: (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];
}

/** Tapes inside whose `record` the program currently is, innermost last. */
const active: GradientTape[] = [];

/** The layers whose `apply` is running, innermost last: ops recorded meanwhile are tagged with it. */
const layerScopes: string[] = [];

/** @internal Runs `fn` with ops tagged as coming from layer `name` (for {@link GradientTape.toGraph}). */
export function withLayerScope<T>(name: string, fn: () => T): T {
  layerScopes.push(name);
  try {
    return fn();
  } finally {
    layerScopes.pop();
  }
}

/** Sources for {@link GradientTape.gradient}: one tensor, an array, or a record of tensors. */
export type Sources = Tensor | readonly Tensor[] | { readonly [name: string]: Tensor };

/** Gradients in the same structure as the {@link Sources} they were asked for. */
export type Gradients<S extends Sources> = S extends Tensor
  ? Tensor
  : S extends readonly Tensor[]
    ? Tensor[]
    : { [K in keyof S]: Tensor };

/** Options of {@link GradientTape}. */
export interface GradientTapeOptions {
  /** Allow more than one `gradient` call (the tape then keeps its nodes until dropped). */
  persistent?: boolean;
}

/**
 * Records operations so that gradients can be computed by reverse-mode differentiation.
 *
 * Trainable variables read inside `record` are watched automatically; call {@link watch} for any
 * other tensor. Ops run outside every tape's `record` are not recorded and keep nothing alive.
 *
 * @example
 * ```ts
 * const w = gt.variable(gt.tensor([1, 2]));
 * const tape = new gt.GradientTape();
 * const loss = tape.record(() => w.square().sum());
 * const dw = tape.gradient(loss, w); // [2, 4]
 * ```
 */
export class GradientTape {
  /** Whether `gradient` may be called more than once. */
  readonly persistent: boolean;
  private nodes: TapeNode[] = [];
  private readonly watched = new Set<number>();
  private depth = 0;
  /** False while this tape runs its own backward pass, so it never records itself. */
  private paused = false;
  private used = false;
  /** Every op recorded, as shapes and ids only, kept after `gradient` for {@link toGraph}. */
  private readonly records: OpRecord[] = [];
  private readonly variableNames = new Map<number, string>();
  private lastGradients: Map<number, Tensor> | undefined;
  private lastTargetId: number | undefined;
  /**
   * Ranges [first, end) of tensor ids made while this tape recorded (noGrad excluded), so that a
   * target made here from nothing watched can be told from one made elsewhere.
   */
  private readonly spans: [number, number][] = [];
  private spanStart: number | undefined;

  /** @throws Error for options other than `{ persistent?: boolean }`. */
  constructor(options: GradientTapeOptions = {}) {
    if (options === null || typeof options !== "object") throw new Error(`GradientTape: options must be an object such as { persistent: true }, got ${describe(options)}`);
    const unknown = Object.keys(options).find((k) => k !== "persistent");
    if (unknown !== undefined) throw new Error(`GradientTape: unknown option '${unknown}'; known options: persistent`);
    this.persistent = options.persistent ?? false;
    if (typeof this.persistent !== "boolean") throw new Error(`GradientTape: persistent must be true or false, got ${describe(options.persistent)}`);
  }

  /**
   * Runs `fn` with this tape recording and returns what `fn` returns. `fn` must be synchronous:
   * ops after an `await` would run outside the recording, so a callback that returns a promise is
   * refused.
   * @throws Error when `fn` is not a function, returns a promise, or calls `record` on this same
   * tape (as TensorFlow's "Tape is still recording": its ops would be recorded twice).
   */
  record<T>(fn: () => T): T {
    if (typeof fn !== "function") throw new Error(`GradientTape.record: expected a function, got ${describe(fn)}`);
    if (this.used) throw new Error("GradientTape.record: this non-persistent tape has already computed its gradient; create a new tape for the next step");
    if (this.depth > 0) {
      throw new Error("GradientTape.record: this tape is still recording (record was called again from inside its own callback); call the inner code directly, or record it on a second tape for higher-order gradients");
    }
    active.push(this);
    this.depth++;
    this.resume();
    let result: T;
    try {
      result = fn();
    } finally {
      this.suspend();
      this.depth--;
      active.splice(active.lastIndexOf(this), 1);
    }
    if (isThenable(result)) {
      // The promise's own failure is not lost in an unhandled rejection: this error replaces it.
      void Promise.resolve(result).catch(() => undefined);
      throw new Error("GradientTape.record: the callback returned a Promise (an async function?); record needs a synchronous function, since ops after an await run outside the recording: compute the loss synchronously, and await before or after record");
    }
    return result;
  }

  /** @internal Starts a span of recorded tensor ids (record, and the end of a noGrad inside it). */
  resume(): void {
    this.spanStart ??= nextTensorId();
  }

  /** @internal Ends the current span (the end of record, and the start of a noGrad inside it). */
  suspend(): void {
    if (this.spanStart === undefined) return;
    const end = nextTensorId();
    if (end > this.spanStart) this.spans.push([this.spanStart, end]);
    this.spanStart = undefined;
  }

  /** Whether the tensor `id` was made while this tape recorded. */
  private madeWhileRecording(id: number): boolean {
    if (this.spanStart !== undefined && id >= this.spanStart) return true;
    return this.spans.some(([first, end]) => id >= first && id < end);
  }

  /**
   * Watches `tensor` (or several), so ops that read it are recorded and gradients with respect to
   * it can be asked for.
   * @throws Error when given something other than tensors.
   */
  watch(tensor: Tensor | readonly Tensor[]): void {
    const list = Array.isArray(tensor) ? tensor : [tensor];
    list.forEach((t, i) => {
      const where = Array.isArray(tensor) ? `at index ${i} ` : "";
      if (!(t instanceof Tensor)) throw new Error(`GradientTape.watch: argument ${where}is not a tensor: got ${describe(t)}`);
      if (t.dtype === "int32") throw new Error(`GradientTape.watch: argument ${where}is int32; ${INT_SOURCE}`);
      this.watched.add(t.id);
    });
  }

  /** @internal Called by every op: appends a node when this tape watches one of the inputs. */
  add(op: string, inputs: readonly Tensor[], output: Tensor, backward: TapeNode["backward"]): void {
    if (this.paused) return;
    let watched = false;
    for (const x of inputs) {
      if (this.watched.has(x.id)) {
        watched = true;
        break;
      }
    }
    if (!watched) return;
    this.watched.add(output.id);
    this.nodes.push({ op, inputIds: inputs.map((x) => x.id), inputs, outputId: output.id, backward });
    this.records.push({
      op, inputs: inputs.map((x) => ({ id: x.id, shape: x.shape, dtype: x.dtype, value: x.size === 1 ? x.data()[0] : undefined })), outputId: output.id,
      shape: output.shape, dtype: output.dtype, layer: layerScopes[layerScopes.length - 1],
    });
  }

  /** @internal Watches a trainable variable the moment an op reads it. */
  watchAccessed(v: Variable): void {
    if (this.paused) return;
    if (v.trainable && v.dtype !== "int32") this.watched.add(v.id);
    this.variableNames.set(v.id, v.name);
  }

  /**
   * The gradient of `target` with respect to each source, in the structure of `sources`.
   *
   * A non-scalar target is differentiated as the sum of its elements, unless `outputGradient`
   * (the target's shape; a tensor, number or nested array) gives the weights. A source that the
   * target does not depend on, or that the tape does not watch, gets a gradient of zeros of its
   * shape (TensorFlow's `unconnected_gradients='zero'`). So does every source of a target made
   * inside `record` from nothing the tape watches, as long as some source is watched: a
   * second-order gradient through linear or piecewise-linear ops is zeros, like the first-order
   * gradient of a constant. Only float tensors have gradients: an int32 source is refused, as
   * PyTorch refuses `requires_grad` on integers (TensorFlow returns None for it).
   *
   * @throws Error on a second call to a non-persistent tape, when `target` was not computed on
   * this tape (or from nothing watched while no source is watched), when a source is not a tensor
   * or is int32, or when `outputGradient` does not have the target's shape.
   */
  gradient<S extends Sources>(target: Tensor, sources: S, outputGradient?: TensorLike | null): Gradients<S> {
    if (this.used) {
      throw new Error("GradientTape.gradient: a non-persistent tape answers gradient() only once; create it with new GradientTape({ persistent: true }) to ask again");
    }
    if (!(target instanceof Tensor)) throw new Error(`GradientTape.gradient: the target is not a tensor: got ${describe(target)}`);
    const list = flattenSources(sources);
    const seed = outputGradient === undefined || outputGradient === null ? undefined : seedFor(target, outputGradient);
    const connected = this.watched.has(target.id);
    if (!connected) {
      const made = this.madeWhileRecording(target.id);
      if (!made) {
        throw new Error(
          `GradientTape.gradient: the target (${describe(target)}) was not computed on this tape; ` +
            "compute it inside tape.record(() => ...) from watched tensors or trainable variables",
        );
      }
      if (!list.some(([, t]) => this.watched.has(t.id))) {
        throw new Error(
          `GradientTape.gradient: the target (${describe(target)}) was computed inside record from nothing this tape watches, and no source is watched; ` +
            "call tape.watch(x) before record, or make the sources trainable variables",
        );
      }
    }
    if (!this.persistent) this.used = true;
    // As in TensorFlow, only watched tensors (and results recorded from them) are differentiable
    // sources; any other source reads as a constant and gets zeros.
    const sourceIds = new Set(list.map(([, t]) => t.id).filter((id) => this.watched.has(id)));
    const grads = connected ? this.backprop(target, seed ?? onesLike(target), sourceIds) : new Map<number, Tensor>();
    if (!this.persistent) this.nodes = [];
    this.lastGradients = grads;
    this.lastTargetId = target.id;
    const result = list.map(([, t]) => grads.get(t.id) ?? zerosLike(t));
    return rebuild(sources, result) as Gradients<S>;
  }

  /**
   * What the tape recorded, as a graph: a node per tensor (sources, constants the backward rules
   * keep, op outputs, each with its shape, dtype, layer and, after `gradient`, its gradient's
   * norm) and an edge per op input. Still available after a non-persistent tape's `gradient`.
   * @param options - `names`: tensors to label, e.g. `{ a, b }`.
   * @example
   * ```ts
   * const a = gt.tensor(-4), b = gt.tensor(2);
   * const tape = new gt.GradientTape();
   * tape.watch([a, b]);
   * const c = tape.record(() => a.mul(b).add(b.pow(3)));
   * tape.gradient(c, [a, b]);
   * tape.toGraph({ names: { a, b } }).nodes.map((n) => n.op ?? n.name); // ["a", "b", "mul", "pow" ...]
   * ```
   */
  toGraph(options: TapeGraphOptions = {}): TapeGraph {
    if (options === null || typeof options !== "object") throw new Error(`GradientTape.toGraph: options must be an object such as { names: { a, b } }, got ${describe(options)}`);
    for (const [name, t] of Object.entries(options.names ?? {})) {
      if (!(t instanceof Tensor)) throw new Error(`GradientTape.toGraph: names.${name} is not a tensor: got ${describe(t)}`);
    }
    return buildGraph(this.records, { watched: this.watched, variableNames: this.variableNames, gradients: this.lastGradients, targetId: this.lastTargetId }, options);
  }

  /**
   * The recorded graph as Graphviz DOT text, in micrograd's and torchviz's style: sources light
   * blue, constants the backward keeps orange, the target green, ops grey, one dashed cluster per
   * layer. Render it with `dot -Tsvg`, or draw it without Graphviz with `gt.plot.tapeGraph(tape)`.
   * @param options - as {@link GradientTape.toGraph}.
   * @example `writeFileSync("tape.dot", tape.toDot())`
   */
  toDot(options: TapeGraphOptions = {}): string {
    return graphToDot(this.toGraph(options));
  }

  private backprop(target: Tensor, seed: Tensor, sourceIds: Set<number>): Map<number, Tensor> {
    const { nodes, reached } = this.prune(target.id, sourceIds);
    const grads = new Map<number, Tensor>([[target.id, seed]]);
    this.paused = true;
    try {
      for (let n = nodes.length - 1; n >= 0; n--) {
        const node = nodes[n];
        const dy = grads.get(node.outputId);
        if (dy === undefined) continue;
        const needs = node.inputIds.map((id, i) => reached.has(id) && node.inputs[i].dtype !== "int32");
        const dxs = node.backward(dy, needs);
        node.inputs.forEach((x, i) => {
          const dx = dxs[i];
          if (dx === null || dx === undefined || !needs[i]) return;
          const g = sumToShape(dx, x.shape);
          if (!shapesEqual(g.shape, x.shape)) {
            throw new Error(`GradientTape: the gradient of ${node.op} for input ${i} has shape ${fmt(dx.shape)}, which does not reduce to the input's shape ${fmt(x.shape)}`);
          }
          const id = node.inputIds[i];
          const prev = grads.get(id);
          grads.set(id, prev === undefined ? g : add(prev, g));
        });
      }
    } finally {
      this.paused = false;
    }
    return grads;
  }

  /**
   * The nodes that lie on a path from a source to the target, in recording order, and the ids that
   * depend on a source (only those need gradients).
   */
  private prune(targetId: number, sourceIds: Set<number>): { nodes: TapeNode[]; reached: Set<number> } {
    const reached = new Set(sourceIds);
    const forward = this.nodes.filter((node) => {
      if (!node.inputIds.some((id) => reached.has(id))) return false;
      reached.add(node.outputId);
      return true;
    });
    const needed = new Set([targetId]);
    const kept: TapeNode[] = [];
    for (let i = forward.length - 1; i >= 0; i--) {
      const node = forward[i];
      if (!needed.has(node.outputId)) continue;
      kept.push(node);
      for (const id of node.inputIds) needed.add(id);
    }
    return { nodes: kept.reverse(), reached };
  }
}

/** @internal Records one op on every tape that is recording and watches one of its inputs. */
export function recordOp(op: string, inputs: readonly Tensor[], output: Tensor, backward: TapeNode["backward"]): Tensor {
  for (let i = 0; i < active.length; i++) active[i].add(op, inputs, output, backward);
  return output;
}

/** @internal True while some tape is recording; ops skip building backward closures otherwise. */
export function isRecording(): boolean {
  return active.length > 0;
}

/**
 * Runs `fn` with every tape paused: nothing it computes is recorded, as in PyTorch's
 * `torch.no_grad()`. Inference (`model.predict`) runs this way.
 * @example `const probs = gt.noGrad(() => model.call(x).softmax());`
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`noGrad: expected a function, got ${describe(fn)}`);
  const saved = active.splice(0, active.length);
  for (const tape of saved) tape.suspend();
  try {
    return fn();
  } finally {
    active.push(...saved);
    for (const tape of saved) tape.resume();
  }
}

/** @internal Reads a variable: auto-watches it on recording tapes and returns its current value. */
export function readVariable(v: Variable): Tensor {
  for (let i = 0; i < active.length; i++) active[i].watchAccessed(v);
  return v.snapshot();
}

function flattenSources(sources: Sources): [string, Tensor][] {
  const entries: [string, unknown][] =
    sources instanceof Tensor
      ? [["0", sources]]
      : Array.isArray(sources)
        ? sources.map((t, i) => [String(i), t])
        : sources !== null && typeof sources === "object"
          ? Object.entries(sources)
          : [["0", sources]];
  for (const [key, t] of entries) {
    if (!(t instanceof Tensor)) {
      const where = sources instanceof Tensor || !(typeof sources === "object" && sources !== null) ? "the source" : Array.isArray(sources) ? `the source at index ${key}` : `the source '${key}'`;
      throw new Error(`GradientTape.gradient: ${where} is not a tensor: got ${describe(t)}`);
    }
    if (t.dtype === "int32") {
      const where = sources instanceof Tensor ? "the source" : Array.isArray(sources) ? `the source at index ${key}` : `the source '${key}'`;
      throw new Error(`GradientTape.gradient: ${where} is int32; ${INT_SOURCE}`);
    }
  }
  return entries as [string, Tensor][];
}

/** Why an int32 tensor cannot be a source, shared by `watch` and `gradient`. */
const INT_SOURCE = "only float tensors have gradients (integers take part as constants); cast it with .cast('float32') and differentiate with respect to that";

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

/** `outputGradient` as a tensor of the target's shape and dtype. */
function seedFor(target: Tensor, outputGradient: TensorLike): Tensor {
  let g = toTensor("GradientTape.gradient", outputGradient, target.dtype, "outputGradient");
  if (g.dtype !== target.dtype) {
    if (g.dtype !== "int32" && target.dtype !== "int32") {
      throw new Error(`GradientTape.gradient: outputGradient is ${g.dtype} but the target is ${target.dtype}; cast it with .cast('${target.dtype}')`);
    }
    g = cast(g, target.dtype);
  }
  if (!shapesEqual(g.shape, target.shape)) {
    throw new Error(`GradientTape.gradient: outputGradient has shape ${fmt(g.shape)} but the target has shape ${fmt(target.shape)}`);
  }
  return g;
}

function rebuild(sources: Sources, grads: Tensor[]): Tensor | Tensor[] | Record<string, Tensor> {
  if (sources instanceof Tensor) return grads[0];
  if (Array.isArray(sources)) return grads;
  return Object.fromEntries(Object.keys(sources).map((k, i) => [k, grads[i]]));
}
