/**
 * Merge layers (Keras' `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`,
 * `Concatenate`): layers without weights that take a list of tensors, for residual connections
 * and models with several branches. Each is a composition of differentiable ops, so gradients
 * flow to every input.
 * @module
 */
import { describe, Tensor } from "../tensor/tensor.js";
import { add as addOp, div, maximum as maximumOp, minimum as minimumOp, mul, sub } from "../ops/arithmetic.js";
import { concat } from "../ops/shape.js";
import { formatShape, Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";
import { refuseAbstract } from "../util/args.js";

const MERGE_OPTIONS = ["name", "trainable", "dtype"] as const;

/**
 * The base of the merge layers: checks the list and its shapes, then merges. Subclasses define
 * `merge` (the op on the list) and, when the shape is not the broadcast of the inputs',
 * `mergeShapes`.
 */
export abstract class Merge extends Layer {
  /** @param kind - the factory's name, `add`, which prefixes messages and default names. */
  protected constructor(options: LayerOptions, kind: string, known: readonly string[] = MERGE_OPTIONS) {
    refuseAbstract(new.target, Merge, "use gt.layers.add, subtract, multiply, average, maximum, minimum or concatenate");
    checkOptions(kind, options, known);
    super(options, kind);
  }

  /** The op on the checked list of inputs. */
  protected abstract merge(xs: readonly Tensor[]): Tensor;

  /** Merge layers have no weights: always built. */
  override get built(): boolean {
    return true;
  }

  override get takesList(): boolean {
    return true;
  }

  /** The fewest inputs the layer takes (2, as Keras). */
  protected get minInputs(): number {
    return 2;
  }

  /** @throws Error always: a merge layer takes a list, `layer.apply([a, b])`. */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    throw new Error(`${this.name}: a merge layer takes a list of tensors, layer.apply([a, b]), got ${describe(x)}`);
  }

  /** @internal The merged tensor, after checking the list's length and shapes. */
  override applyList(xs: readonly Tensor[], _options: CallOptions): Tensor {
    this.inferShape(xs.map((t) => [null, ...t.shape.slice(1)]));
    const other = xs.findIndex((t) => t.rank > 0 && t.shape[0] !== xs[0].shape[0]);
    if (other > 0) throw new Error(`${this.name}: the inputs hold different numbers of samples: input 0 has ${xs[0].shape[0]}, input ${other} has ${xs[other].shape[0]}`);
    return this.merge(xs);
  }

  /** @internal The output shape for inputs of `shapes`; checks their count and compatibility. */
  override inferShape(shapes: LayerShape | readonly LayerShape[]): LayerShape {
    if (shapes.length === 0 || !Array.isArray(shapes[0])) throw new Error(`a merge layer takes a list of at least ${this.minInputs} tensors: layer.apply([a, b])`);
    const list = shapes as readonly LayerShape[];
    if (list.length < this.minInputs) throw new Error(`${this.name}: takes a list of at least ${this.minInputs} tensors, got ${list.length}`);
    return this.mergeShapes(list);
  }

  /**
   * Keras' rule: equal ranks, and in each dimension equal sizes or 1 (which broadcasts); an
   * unknown size takes the other inputs'.
   */
  protected mergeShapes(shapes: readonly LayerShape[]): LayerShape {
    const rank = shapes[0].length;
    const differ = (why: string): never => {
      throw new Error(`${this.name}: inputs of shapes ${shapes.map(formatShape).join(", ")} cannot be merged: ${why}`);
    };
    if (shapes.some((s) => s.length !== rank)) differ("their ranks differ");
    const out: (number | null)[] = [null];
    for (let i = 1; i < rank; i++) {
      let d: number | null = 1;
      for (const s of shapes) {
        const e = s[i];
        if (e === 1) continue;
        if (d === 1 || d === null) d = e;
        else if (e !== null && e !== d) differ(`dimension ${i} is ${d} in one and ${e} in another (sizes must be equal or 1)`);
      }
      out.push(d);
    }
    return out;
  }

  override getConfig(): LayerConfig["config"] {
    const { inputShape: _, ...config } = super.getConfig();
    return config;
  }
}

/**
 * A merge layer folding one elementwise op over its inputs, left to right: `((a ∘ b) ∘ c) …`.
 * The inputs' shapes broadcast (Keras' rule, {@link Merge}).
 */
export abstract class ElementwiseMerge extends Merge {
  /**
   * @param kind - the factory's name, `add`, which prefixes messages and default names.
   * @param layerClass - the class name summaries and saved models print, `Add`: a literal, so that a minifier's renaming does not change it.
   * @param op - the differentiable op on two tensors.
   */
  protected constructor(
    options: LayerOptions,
    kind: string,
    private readonly layerClass: string,
    private readonly op: (a: Tensor, b: Tensor) => Tensor,
  ) {
    super(options, kind);
  }

  override get className(): string {
    return this.layerClass;
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((s, x) => this.op(s, x), xs[0]);
  }
}

/** `a + b + …`. */
export class Add extends ElementwiseMerge {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "add", "Add", addOp);
  }
}

/** `a − b`, of exactly two inputs. */
export class Subtract extends ElementwiseMerge {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "subtract", "Subtract", sub);
  }

  override inferShape(shapes: LayerShape | readonly LayerShape[]): LayerShape {
    if (shapes.length !== 2) throw new Error(`${this.name}: takes a list of exactly 2 tensors [a, b] (it computes a - b), got ${shapes.length}`);
    return super.inferShape(shapes);
  }
}

/** `a · b · …`, elementwise. */
export class Multiply extends ElementwiseMerge {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "multiply", "Multiply", mul);
  }
}

/** `(a + b + …) / n`. */
export class Average extends ElementwiseMerge {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "average", "Average", addOp);
  }

  protected override merge(xs: readonly Tensor[]): Tensor {
    return div(super.merge(xs), xs.length);
  }
}

/** The elementwise maximum of the inputs. */
export class Maximum extends ElementwiseMerge {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "maximum", "Maximum", maximumOp);
  }
}

/** The elementwise minimum of the inputs. */
export class Minimum extends ElementwiseMerge {
  /** @throws Error for an unknown option. */
  constructor(options: LayerOptions = {}) {
    super(options, "minimum", "Minimum", minimumOp);
  }
}

/** Options of {@link concatenate}. */
export interface ConcatenateOptions extends LayerOptions {
  /** The axis to join along (default -1, the features); negative counts from the end. */
  axis?: number;
}

/** The inputs joined along `axis`; their other dimensions must be equal. */
export class Concatenate extends Merge {
  /** The axis joined along, as given (default -1). */
  readonly axis: number;

  /** @throws Error when `axis` is not an integer, or for an unknown option. */
  constructor(options: ConcatenateOptions = {}) {
    super(options, "concatenate", [...MERGE_OPTIONS, "axis"]);
    this.axis = options.axis ?? -1;
    if (typeof this.axis !== "number" || !Number.isInteger(this.axis)) throw new Error(`${this.name}: axis must be an integer, got ${describe(options.axis)}`);
  }

  override get className(): string {
    return "Concatenate";
  }

  protected override mergeShapes(shapes: readonly LayerShape[]): LayerShape {
    const rank = shapes[0].length;
    const ax = this.axis < 0 ? this.axis + rank : this.axis;
    if (ax < 1 || ax >= rank) throw new Error(`${this.name}: axis ${this.axis} is not a feature axis of inputs of shape ${formatShape(shapes[0])} (axis 0 is the batch)`);
    const out = shapes[0].slice();
    shapes.forEach((s, i) => {
      const fits = s.length === rank && s.every((d, j) => j === 0 || j === ax || d === null || out[j] === null || d === out[j]);
      if (!fits) throw new Error(`${this.name}: inputs of shapes ${shapes.map(formatShape).join(", ")} cannot be joined along axis ${this.axis}: input ${i} differs from input 0 outside that axis`);
      s.forEach((d, j) => {
        if (j !== ax && j > 0 && out[j] === null) out[j] = d;
      });
    });
    out[ax] = shapes.some((s) => s[ax] === null) ? null : shapes.reduce((n, s) => n + (s[ax] as number), 0);
    return out;
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return concat(xs, this.axis < 0 ? this.axis + xs[0].rank : this.axis);
  }

  override getConfig(): LayerConfig["config"] {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * A layer adding its inputs elementwise (shapes broadcast, Keras' rule): the residual connection.
 * @example `const r = gt.layers.add().apply([dense2.apply(h), h])`
 */
export function add(options: LayerOptions = {}): Add {
  return new Add(options);
}

/**
 * A layer computing `a − b` of its two inputs.
 * @example `gt.layers.subtract().apply([a, b])`
 */
export function subtract(options: LayerOptions = {}): Subtract {
  return new Subtract(options);
}

/**
 * A layer multiplying its inputs elementwise (a gate, say).
 * @example `gt.layers.multiply().apply([x, gt.layers.dense({ units: 8, activation: "sigmoid" }).apply(x)])`
 */
export function multiply(options: LayerOptions = {}): Multiply {
  return new Multiply(options);
}

/**
 * A layer averaging its inputs elementwise.
 * @example `gt.layers.average().apply([a, b, c])`
 */
export function average(options: LayerOptions = {}): Average {
  return new Average(options);
}

/**
 * A layer taking the elementwise maximum of its inputs.
 * @example `gt.layers.maximum().apply([a, b])`
 */
export function maximum(options: LayerOptions = {}): Maximum {
  return new Maximum(options);
}

/**
 * A layer taking the elementwise minimum of its inputs.
 * @example `gt.layers.minimum().apply([a, b])`
 */
export function minimum(options: LayerOptions = {}): Minimum {
  return new Minimum(options);
}

/**
 * A layer joining its inputs along `axis` (default -1, the features).
 * @example `gt.layers.concatenate().apply([a, b])` gives `[batch, 16]` from two `[batch, 8]`.
 */
export function concatenate(options: ConcatenateOptions = {}): Concatenate {
  return new Concatenate(options);
}
