/**
 * Layer normalization (Keras' `LayerNormalization`): each sample is normalized over its own
 * feature axes, with no batch statistics, so training and inference compute the same thing.
 * PyTorch's `nn.LayerNorm(normalized_shape)` is the case `axis` = the last
 * `normalized_shape.length` axes, with `epsilon: 1e-5` (PyTorch's default; Keras' is 1e-3).
 * @module
 */
import type { Tensor, Variable } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import { add, div, mul, sqrt, sub } from "../ops/arithmetic.js";
import { cast } from "../ops/lift.js";
import { moments } from "../ops/moments.js";
import { reshape } from "../ops/shape.js";
import { initializerOf, type InitializerSpec } from "./initializers.js";
import { fmtLayerShape, Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";

/** Options of {@link layerNormalization}. */
export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or axes normalized over, together, per sample (default -1: the last). */
  axis?: number | readonly number[];
  /** Added to the variance before the square root (default 1e-3, Keras'; PyTorch's is 1e-5). */
  epsilon?: number;
  /** Whether to add the trainable offset beta (default true). */
  center?: boolean;
  /** Whether to multiply by the trainable scale gamma (default true). */
  scale?: boolean;
  /** Initializer of beta (default `'zeros'`). */
  betaInitializer?: InitializerSpec;
  /** Initializer of gamma (default `'ones'`). */
  gammaInitializer?: InitializerSpec;
}

const KNOWN = ["axis", "epsilon", "center", "scale", "betaInitializer", "gammaInitializer", "name", "inputShape", "trainable", "dtype"];

/**
 * The layer normalization layer: `y = (x − mean) / √(variance + ε) · gamma + beta`, the mean and
 * biased variance taken over `axis` within each sample. Weights, in order: gamma, beta (each of
 * the shape of the normalized axes).
 */
export class LayerNormalization extends Layer {
  /** The normalized axis or axes, as given (negative counts from the end). */
  readonly axis: number | readonly number[];
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether beta is added. */
  readonly center: boolean;
  /** Whether gamma multiplies. */
  readonly scale: boolean;
  /** Initializer of beta. */
  readonly betaInitializer: InitializerSpec;
  /** Initializer of gamma. */
  readonly gammaInitializer: InitializerSpec;
  /** The trainable scale, once built (when `scale`): the sizes of the normalized axes. */
  gamma: Variable | undefined;
  /** The trainable offset, once built (when `center`). */
  beta: Variable | undefined;

  /** @throws Error for an axis that is not an integer or a non-empty list of them, a bad epsilon, or an unknown option. */
  constructor(options: LayerNormalizationOptions = {}) {
    checkOptions("layerNormalization", options, KNOWN);
    super(options, "layerNormalization");
    const { axis = -1, epsilon = 1e-3, center = true, scale = true } = options;
    const list = typeof axis === "number" ? [axis] : axis;
    if (!Array.isArray(list) || list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`${this.name}: axis must be an integer or a non-empty array of integers, got ${JSON.stringify(axis)}`);
    }
    if (typeof epsilon !== "number" || !(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`${this.name}: epsilon must be a finite number > 0, got ${JSON.stringify(epsilon)}`);
    for (const [k, v] of [["center", center], ["scale", scale]] as const) {
      if (typeof v !== "boolean") throw new Error(`${this.name}: ${k} must be true or false, got ${JSON.stringify(v)}`);
    }
    this.axis = typeof axis === "number" ? axis : axis.slice();
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
    this.betaInitializer = options.betaInitializer ?? "zeros";
    this.gammaInitializer = options.gammaInitializer ?? "ones";
    initializerOf(this.name, this.betaInitializer);
    initializerOf(this.name, this.gammaInitializer);
  }

  override get className(): string {
    return "LayerNormalization";
  }

  /** The normalized axes as sorted non-negative indices for inputs of `rank`, or an error naming the layer. */
  private axes(rank: number, shown: string): number[] {
    const list = typeof this.axis === "number" ? [this.axis] : this.axis;
    const axes = list.map((a) => (a < 0 ? rank + a : a));
    axes.forEach((a, i) => {
      if (a < 1 || a >= rank) throw new Error(`${this.name}: axis ${list[i]} is not a feature axis of inputs ${shown} (${validFeatureAxes(rank)})`);
    });
    if (new Set(axes).size !== axes.length) throw new Error(`${this.name}: axis ${JSON.stringify(this.axis)} names the same axis twice for inputs ${shown}`);
    return axes.sort((p, q) => p - q);
  }

  override build(inputShape: LayerShape): void {
    const shown = fmtLayerShape(inputShape);
    const sizes = this.axes(inputShape.length, shown).map((a) => inputShape[a]);
    if (sizes.some((d) => d === null)) throw new Error(`${this.name}: a normalized axis of ${shown} has an unknown size`);
    const shape = sizes as number[];
    if (this.scale) this.gamma = this.addWeight("gamma", shape, this.gammaInitializer);
    if (this.center) this.beta = this.addWeight("beta", shape, this.betaInitializer);
  }

  /** Normalizes each sample over the layer's axes; the same in training and at inference. */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    if (!this.built) throw new Error(`${this.name}: the layer is not built yet; run it with layer.apply(x) or inside a model`);
    const axes = this.axes(x.rank, fmt(x.shape));
    const sizes = axes.map((a) => x.shape[a]);
    const expected = (this.gamma ?? this.beta)?.shape;
    if (expected !== undefined && sizes.some((d, i) => d !== expected[i])) {
      throw new Error(`${this.name}: expected sizes ${fmt(expected)} on axes ${fmt(axes)}, got inputs ${fmt(x.shape)}`);
    }
    const input = cast(x, this.dtype);
    const along = input.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const { mean, variance } = moments(input, axes, true);
    // y = x·s + (β − μ·s) with s = γ / √(σ² + ε), as Keras computes it.
    const inv = div(1, sqrt(add(variance, this.epsilon)));
    const gain = this.gamma === undefined ? inv : mul(inv, reshape(this.gamma, along));
    const offset = this.beta === undefined ? mul(-1, mul(mean, gain)) : sub(reshape(this.beta, along), mul(mean, gain));
    return add(mul(input, gain), offset);
  }

  override getConfig(): LayerConfig["config"] {
    return {
      ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : this.axis.slice(), epsilon: this.epsilon, center: this.center, scale: this.scale,
      betaInitializer: this.betaInitializer, gammaInitializer: this.gammaInitializer,
    };
  }
}

/** `valid axes: 1 to 3, or -3 to -1` for rank 4; `the only feature axis is 1, or -1` for rank 2. */
function validFeatureAxes(rank: number): string {
  if (rank < 2) return "inputs need a feature axis after the batch axis";
  return rank === 2 ? "the only feature axis is 1, or -1" : `valid axes: 1 to ${rank - 1}, or ${1 - rank} to -1`;
}

/**
 * A layer normalization layer (Keras' `LayerNormalization`, Keras' defaults: `axis = -1`,
 * `epsilon = 1e-3`, `center` and `scale` true). For PyTorch's `nn.LayerNorm(d)` use
 * `layerNormalization({ epsilon: 1e-5 })`; for `nn.LayerNorm([h, w])`, `axis: [-2, -1]`.
 * @throws Error for a bad axis, epsilon, center or scale, or an unknown option.
 * @example `gt.layers.layerNormalization()` after a dense layer normalizes each sample's features.
 */
export function layerNormalization(options: LayerNormalizationOptions = {}): LayerNormalization {
  return new LayerNormalization(options);
}
