/**
 * The `Layer` base class: a name, weights created lazily from the first input's shape, and a
 * forward `call`. As in Keras, a layer does not know its input size until it sees an input (or
 * an `inputShape`), so `dense({ units: 10 })` can follow any layer.
 * @module
 */
import { checkDType, type DType } from "../tensor/dtype.js";
import { checkShape, fmt, sizeOf } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike, type Variable } from "../tensor/tensor.js";
import { variable, type Seed } from "../tensor/create.js";
import { toTensor } from "../ops/lift.js";
import { withLayerScope } from "../autograd/tape.js";
import { initializerOf, type Initializer, type InitializerSpec } from "./initializers.js";
import { checkInputShape, checkLayerShape } from "./options.js";
import { checkOptionNames } from "../util/options.js";
import { connect, isSymbolic, type Node, type SymbolicTensor } from "./symbolic.js";
import { refuseAbstract } from "../util/args.js";

/** A shape whose batch dimension (the first) may be unknown: `[null, 784]`. */
export type LayerShape = readonly (number | null)[];

/** Options of a forward pass. */
export interface CallOptions {
  /** True while training: dropout is active only then (default false). */
  training?: boolean;
}

/** Options every layer takes. */
export interface LayerOptions {
  /** A unique name; defaults to the layer's kind with a counter: `dense`, `dense_1`, … */
  name?: string;
  /** The shape of one sample, without the batch dimension; lets a model build before any data. */
  inputShape?: readonly number[];
  /** Whether the layer's weights are trained (default true). */
  trainable?: boolean;
  /** The dtype of the layer's weights and computation (default `'float32'`). */
  dtype?: DType;
}

/** The JSON-able description of a layer from which {@link layerFromConfig} rebuilds it. */
export interface LayerConfig {
  /** The layer's class: `'Dense'`, `'Activation'`, `'Dropout'`, `'Flatten'`. */
  className: string;
  /** The layer's options, as {@link Layer.getConfig} returns them. */
  config: {
    /** The layer's name. */
    name: string;
    [key: string]: unknown;
  };
}

/** Options of {@link Layer.addWeight}. */
export interface AddWeightOptions {
  /** Whether optimizers train it (default true; false also when the layer is frozen). */
  trainable?: boolean;
  /** Its dtype (default: the layer's). */
  dtype?: DType;
  /** Seed of the initializer's draw. */
  seed?: Seed;
}

/** @internal The names {@link CallOptions} holds. */
export const CALL_OPTIONS: readonly string[] = ["training"];

const counters = new Map<string, number>();

/** @internal Supplies a weight's initial value in place of its initializer; see {@link withWeightSource}. */
export type WeightSource = (layer: string, weight: string, shape: readonly number[], dtype: DType) => Tensor;

let weightSource: WeightSource | undefined;

/**
 * @internal Runs `fn` with {@link Layer.addWeight} taking initial values from `source` instead of
 * drawing them: loading a saved model checks each shape before allocating and draws nothing.
 */
export function withWeightSource<T>(source: WeightSource, fn: () => T): T {
  const saved = weightSource;
  weightSource = source;
  try {
    return fn();
  } finally {
    weightSource = saved;
  }
}

/** @internal A unique default name: `dense`, then `dense_1`, `dense_2`, … as Keras. */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/**
 * A building block of a model: it owns weights (variables named `layer/weight`), builds them on
 * its first input, and maps inputs to outputs with {@link Layer.call}.
 *
 * Subclasses override `build` (create weights with {@link Layer.addWeight}), `call`,
 * `computeOutputShape` when the shape changes, and `getConfig` to add their options. Run a
 * layer with {@link Layer.apply}, which builds it first when needed.
 *
 * @example
 * ```ts
 * const d = gt.layers.dense({ units: 3 });
 * const y = d.apply(gt.ones([2, 4]));   // builds a [4, 3] kernel, then runs
 * d.countParams();                      // 15
 * ```
 */
export abstract class Layer {
  /** The layer's unique name; its weights are named `name/weight`. */
  readonly name: string;
  /** The dtype of the layer's weights and outputs. */
  readonly dtype: DType;
  /** The shape of one sample given at construction, if any (no batch dimension). */
  readonly inputShape: readonly number[] | undefined;
  /** When false, the layer's weights are left out of `trainableWeights` (frozen). */
  trainable: boolean;
  /** The input shape the layer was built for (batch dimension `null`), once built. */
  buildInputShape: LayerShape | undefined;
  /** @internal Each application of the layer to symbolic tensors (more than one when shared). */
  readonly inboundNodes: Node[] = [];
  private readonly _weights: { variable: Variable; trainable: boolean }[] = [];

  /**
   * The kind of layer, as printed by `summary()` and saved in configs: `'Dense'`. For a subclass
   * it defaults to a static `className` property, else the class's own name (`class Scale` →
   * `'Scale'`); a saved model names it, and {@link registerLayer} makes it loadable.
   */
  get className(): string {
    const cls = this.constructor as { className?: unknown; name: string };
    return typeof cls.className === "string" && cls.className !== "" ? cls.className : cls.name;
  }

  /**
   * @param options - the options every layer takes (none: `{}`).
   * @param prefix - the stem of the default name (default: the class's name, `Twice` → `twice`).
   */
  protected constructor(options: LayerOptions = {}, prefix?: string) {
    refuseAbstract(new.target, Layer, "use a layer such as gt.layers.dense, or extend it, implementing call() (and build() for weights)");
    if (prefix !== undefined && (typeof prefix !== "string" || prefix === "")) throw new Error(`Layer: prefix, the stem of default names, must be a non-empty string, got ${describe(prefix)}`);
    const stem = prefix ?? (new.target.name === "" ? "layer" : new.target.name.charAt(0).toLowerCase() + new.target.name.slice(1));
    if (options === null || typeof options !== "object") throw new Error(`${stem}: options must be an object such as { name: '${stem}' }, got ${describe(options)}`);
    if (options.name !== undefined && (typeof options.name !== "string" || options.name === "" || options.name.includes("/"))) {
      throw new Error(`${stem}: name must be a non-empty string without '/', got ${JSON.stringify(options.name)}`);
    }
    this.name = options.name ?? uniqueName(stem);
    this.dtype = checkDType(options.dtype ?? "float32", this.name);
    this.inputShape = options.inputShape === undefined ? undefined : checkInputShape(this.name, options.inputShape);
    this.trainable = options.trainable ?? true;
    if (typeof this.trainable !== "boolean") throw new Error(`${this.name}: trainable must be true or false, got ${JSON.stringify(options.trainable)}`);
  }

  /** True once the weights exist. */
  get built(): boolean {
    return this.buildInputShape !== undefined;
  }

  /**
   * Creates the layer's weights for inputs of `inputShape` (batch dimension first, may be
   * `null`). Called once, by {@link Layer.apply} on the first input or by a model that knows its
   * input shape; subclasses override it and create weights with {@link Layer.addWeight}.
   */
  build(inputShape: LayerShape): void {
    checkLayerShape(`${this.name}.build`, inputShape);
  }

  /**
   * The forward pass, called by {@link Layer.apply} once the layer is built. Subclasses override it.
   * @param x - the input, batch first.
   * @param options - `training` switches dropout on.
   */
  abstract call(x: Tensor, options?: CallOptions): Tensor;

  /** The output shape for an input of `inputShape` (the same shape unless overridden). */
  computeOutputShape(inputShape: LayerShape): LayerShape {
    return checkLayerShape(`${this.name}.computeOutputShape`, inputShape);
  }

  /**
   * Runs the layer on `x`, building its weights from `x`'s shape on the first call. Given a
   * symbolic tensor (from `gt.input` or another layer's `apply`), it runs nothing: it records the
   * connection for `gt.model` and returns the symbolic output, whose shape it infers now. Merge
   * layers take a list: `layers.add().apply([a, b])`.
   * @throws Error when `x` is not a tensor, when its shape does not match the declared
   * `inputShape` (naming the layer and both shapes), or (from the layer) when its shape does not
   * fit; for symbolic inputs, naming the layer and the shapes it was given.
   * @example `gt.layers.relu().apply(gt.tensor([-1, 2]))`
   */
  apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: CallOptions): SymbolicTensor;
  apply(x: TensorLike | readonly Tensor[], options?: CallOptions): Tensor;
  apply(x: TensorLike | readonly Tensor[] | SymbolicTensor | readonly SymbolicTensor[], options: CallOptions = {}): Tensor | SymbolicTensor {
    checkOptionNames(`${this.name}.apply`, options, CALL_OPTIONS);
    if (isSymbolic(x)) return connect(this, x);
    if (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor)) return withLayerScope(this.name, () => this.applyList(x as Tensor[], options));
    const t = toTensor(this.name, x as TensorLike);
    if (t.rank === 0) throw new Error(`${this.name}: expected a batch of inputs (batch dimension first), got a scalar`);
    this.checkDeclaredShape(t.shape, "received input");
    this.ensureBuilt([null, ...t.shape.slice(1)]);
    // Ops the call records are tagged with this layer, so a drawn tape groups them.
    return withLayerScope(this.name, () => this.call(t, options));
  }

  /** @internal True for layers that take a list of inputs (the merge layers). */
  get takesList(): boolean {
    return false;
  }

  /**
   * @internal The forward pass on a list of tensors. Only multi-input layers (the merge layers)
   * take one; the others say so.
   */
  applyList(xs: readonly Tensor[], _options: CallOptions): Tensor {
    if (!Array.isArray(xs)) throw new Error(`${this.name}.applyList: xs must be a list of tensors, got ${describe(xs)}`);
    throw new Error(`${this.name}: takes one input tensor, got a list of ${xs.length}; only merge layers (add, concatenate, …) take a list`);
  }

  /**
   * @internal Builds the layer for symbolic inputs of `shape` (a list of shapes for merge layers)
   * and returns the output's shape.
   */
  inferShape(shape: LayerShape | readonly LayerShape[]): LayerShape {
    if (Array.isArray(shape) && shape.length > 0 && Array.isArray(shape[0])) throw new Error(`${this.name}: takes one input tensor, got a list of ${shape.length}; only merge layers (add, concatenate, …) take a list`);
    if (Array.isArray(shape) && shape.length === 0) throw new Error(`${this.name}: expected a batch of inputs (batch dimension first), got a scalar`);
    const one = checkLayerShape(`${this.name}.inferShape`, shape, "shape");
    this.checkDeclaredShape(one, "input");
    this.ensureBuilt(one);
    return this.computeOutputShape([null, ...one.slice(1)]);
  }

  /**
   * @internal Throws unless inputs of `shape` (batch first; `null` matches anything) fit the
   * declared `inputShape`: a layer built for `[28, 28]` must not quietly take `[n, 784]`.
   */
  checkDeclaredShape(shape: LayerShape, what: string): void {
    checkLayerShape(`${this.name}.checkDeclaredShape`, shape, "shape");
    if (typeof what !== "string") throw new Error(`${this.name}.checkDeclaredShape: what, the input's description for messages, must be a string, got ${describe(what)}`);
    const declared = this.inputShape;
    if (declared === undefined) return;
    if (shape.length === declared.length + 1 && declared.every((d, i) => shape[i + 1] === null || shape[i + 1] === d)) return;
    throw new Error(
      `${this.name}: declared inputShape ${fmt(declared)} does not match the ${what} of shape ${fmtLayerShape(shape)} ` +
        `(one sample is ${fmtLayerShape(shape.slice(1))}); reshape the input, or declare inputShape: ${fmtLayerShape(shape.slice(1))}`,
    );
  }

  /** @internal Builds the layer for `inputShape` unless it already is. */
  ensureBuilt(inputShape: LayerShape): void {
    if (this.built) return;
    this.build(inputShape);
    this.buildInputShape = [null, ...inputShape.slice(1)];
  }

  /**
   * Creates a weight as a {@link Variable} named `layerName/name`, initialized by `initializer` (a
   * name, or a function for a value no named initializer gives, such as an LSTM's forget-gate bias).
   * @throws Error naming the layer when a weight of that name exists or the initializer is unknown.
   * @example `this.kernel = this.addWeight("kernel", [inputDim, units], "glorotUniform", { seed })`
   */
  addWeight(name: string, shape: readonly number[], initializer: InitializerSpec | Initializer, options: AddWeightOptions = {}): Variable {
    checkOptionNames(`${this.name}.addWeight`, options, ["trainable", "dtype", "seed"]);
    if (typeof name !== "string" || name === "" || name.includes("/")) throw new Error(`${this.name}.addWeight: name must be a non-empty string without '/', got ${describe(name)}`);
    checkShape(shape, `${this.name}.addWeight`);
    const fullName = `${this.name}/${name}`;
    if (this._weights.some((w) => w.variable.name === fullName)) throw new Error(`${this.name}: a weight named '${name}' already exists`);
    const dtype = options.dtype ?? this.dtype;
    const trainable = options.trainable ?? true;
    const initial = weightSource !== undefined ? weightSource(this.name, name, shape, dtype) : (typeof initializer === "function" ? initializer : initializerOf(`${this.name}.addWeight`, initializer))(shape, { seed: options.seed, dtype });
    const v = variable(initial, { name: fullName, trainable });
    this._weights.push({ variable: v, trainable });
    return v;
  }

  /** All weights, in creation order (kernel, then bias). */
  get weights(): Variable[] {
    return this._weights.map((w) => w.variable);
  }

  /** The weights an optimizer updates: none when the layer is frozen. */
  get trainableWeights(): Variable[] {
    return this.trainable ? this._weights.filter((w) => w.trainable).map((w) => w.variable) : [];
  }

  /** The weights an optimizer leaves alone. */
  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this._weights.filter((w) => !w.trainable).map((w) => w.variable) : this.weights;
  }

  /**
   * The number of scalars in the layer's weights.
   * @throws Error when the layer is not built yet (its weight shapes are unknown).
   */
  countParams(): number {
    if (!this.built) throw new Error(`${this.name}: countParams needs the layer built; call it on data first or give it an inputShape`);
    return this._weights.reduce((n, w) => n + w.variable.size, 0);
  }

  /**
   * The layer's options as plain JSON, enough to rebuild it with {@link layerFromConfig}.
   * Subclasses add their own options to this base.
   */
  getConfig(): LayerConfig["config"] {
    const config: LayerConfig["config"] = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.inputShape !== undefined) config.inputShape = this.inputShape.slice();
    return config;
  }

  /** `{ className, config }`: what a saved model stores for this layer. */
  toJSON(): LayerConfig {
    return { className: this.className, config: this.getConfig() };
  }
}

/** @internal Formats a layer shape like Keras: `(None, 128)`. */
export function formatShape(shape: LayerShape): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

/** @internal The number of elements of one sample of `shape` (null when unknown). */
export function sampleSize(shape: LayerShape): number | null {
  const rest = shape.slice(1);
  return rest.some((d) => d === null) ? null : sizeOf(rest as number[]);
}

/** @internal `[d0, d1]` for error messages, with `null` shown as `?`. */
export function fmtLayerShape(shape: LayerShape): string {
  return fmt(shape.map((d) => (d === null ? "?" : d)) as number[]);
}
