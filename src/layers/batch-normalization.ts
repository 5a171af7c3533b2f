/**
 * Batch normalization (Keras' `BatchNormalization`). While training it normalizes each feature
 * with the batch's own mean and biased variance and keeps exponential moving averages of both;
 * at inference (and when frozen) it uses those averages, so a prediction does not depend on the
 * other samples of its batch.
 * @module
 */
import { noGrad } from "../autograd/tape.js";
import type { Tensor, Variable } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import { add, div, mul, sqrt, sub } from "../ops/arithmetic.js";
import { cast } from "../ops/lift.js";
import { moments } from "../ops/moments.js";
import { batchNormTraining } from "../ops/batch-norm.js";
import { reshape } from "../ops/shape.js";
import { initializerOf, type InitializerSpec } from "./initializers.js";
import { fmtLayerShape, Layer, type CallOptions, type LayerConfig, type LayerOptions, type LayerShape } from "./layer.js";
import { checkOptions } from "./options.js";

/** Options of {@link batchNormalization}. */
export interface BatchNormalizationOptions extends LayerOptions {
  /** The feature axis, normalized separately per entry (default -1: channels last). */
  axis?: number;
  /** The moving averages' decay: `moving = moving·momentum + batch·(1 − momentum)` (default 0.99). Not the optimizer's momentum. */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
  /** Whether to add the trainable offset beta (default true). */
  center?: boolean;
  /** Whether to multiply by the trainable scale gamma (default true). */
  scale?: boolean;
  /** Initializer of beta (default `'zeros'`). */
  betaInitializer?: InitializerSpec;
  /** Initializer of gamma (default `'ones'`). */
  gammaInitializer?: InitializerSpec;
  /** Initializer of the moving mean (default `'zeros'`). */
  movingMeanInitializer?: InitializerSpec;
  /** Initializer of the moving variance (default `'ones'`). */
  movingVarianceInitializer?: InitializerSpec;
}

/** The initializers of a batch normalization layer's four weights. */
export interface BatchNormalizationInitializers {
  /** Of beta. */
  beta: InitializerSpec;
  /** Of gamma. */
  gamma: InitializerSpec;
  /** Of the moving mean. */
  movingMean: InitializerSpec;
  /** Of the moving variance. */
  movingVariance: InitializerSpec;
}

const KNOWN = ["axis", "momentum", "epsilon", "center", "scale", "betaInitializer", "gammaInitializer", "movingMeanInitializer", "movingVarianceInitializer", "name", "inputShape", "trainable", "dtype"];

/** The batch normalization layer. Weights, in order: gamma, beta (trainable), movingMean, movingVariance (not). */
export class BatchNormalization extends Layer {
  /** The feature axis (negative counts from the end). */
  readonly axis: number;
  /** The moving averages' decay. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether beta is added. */
  readonly center: boolean;
  /** Whether gamma multiplies. */
  readonly scale: boolean;
  /** The weights' initializers. */
  readonly initializers: BatchNormalizationInitializers;
  /** The trainable scale `[features]`, once built (when `scale`). */
  gamma: Variable | undefined;
  /** The trainable offset `[features]`, once built (when `center`). */
  beta: Variable | undefined;
  /** The moving mean `[features]` (not trainable), once built. */
  movingMean: Variable | undefined;
  /** The moving variance `[features]` (not trainable), once built. */
  movingVariance: Variable | undefined;

  /** @throws Error for an option out of range or unknown. */
  constructor(options: BatchNormalizationOptions = {}) {
    checkOptions("batchNormalization", options, KNOWN);
    super(options, "batchNormalization");
    const { axis = -1, momentum = 0.99, epsilon = 1e-3, center = true, scale = true } = options;
    if (!Number.isInteger(axis)) throw new Error(`${this.name}: axis must be an integer, got ${JSON.stringify(axis)}`);
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) throw new Error(`${this.name}: momentum must be a number in [0, 1], got ${JSON.stringify(momentum)}`);
    if (typeof epsilon !== "number" || !(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`${this.name}: epsilon must be a finite number > 0, got ${JSON.stringify(epsilon)}`);
    for (const [k, v] of [["center", center], ["scale", scale]] as const) {
      if (typeof v !== "boolean") throw new Error(`${this.name}: ${k} must be true or false, got ${JSON.stringify(v)}`);
    }
    this.axis = axis;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
    this.initializers = {
      beta: options.betaInitializer ?? "zeros", gamma: options.gammaInitializer ?? "ones",
      movingMean: options.movingMeanInitializer ?? "zeros", movingVariance: options.movingVarianceInitializer ?? "ones",
    };
    Object.values(this.initializers).forEach((spec) => initializerOf(this.name, spec));
  }

  override get className(): string {
    return "BatchNormalization";
  }

  /** The feature axis as a non-negative index into `shape`, or an error naming the layer. */
  private featureAxis(rank: number, shown: string): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a < 1 || a >= rank) throw new Error(`${this.name}: axis ${this.axis} is not a feature axis of inputs ${shown} (the batch axis 0 cannot be normalized over itself)`);
    return a;
  }

  override build(inputShape: LayerShape): void {
    const a = this.featureAxis(inputShape.length, fmtLayerShape(inputShape));
    const size = inputShape[a];
    if (size === null) throw new Error(`${this.name}: the feature axis of ${fmtLayerShape(inputShape)} has an unknown size`);
    if (this.scale) this.gamma = this.addWeight("gamma", [size], this.initializers.gamma);
    if (this.center) this.beta = this.addWeight("beta", [size], this.initializers.beta);
    this.movingMean = this.addWeight("movingMean", [size], this.initializers.movingMean, { trainable: false });
    this.movingVariance = this.addWeight("movingVariance", [size], this.initializers.movingVariance, { trainable: false });
  }

  /**
   * Normalizes `x`. With `training: true` (and the layer not frozen) it uses the batch's
   * statistics and updates the moving averages; otherwise it uses the moving averages.
   */
  override call(x: Tensor, options: CallOptions = {}): Tensor {
    const movingMean = this.movingMean, movingVariance = this.movingVariance;
    if (movingMean === undefined || movingVariance === undefined) throw new Error(`${this.name}: the layer is not built yet; run it with layer.apply(x) or inside a model`);
    const a = this.featureAxis(x.rank, fmt(x.shape));
    if (x.shape[a] !== movingMean.shape[0]) throw new Error(`${this.name}: expected ${movingMean.shape[0]} features on axis ${this.axis}, got inputs ${fmt(x.shape)}`);
    const input = cast(x, this.dtype);
    const axes = input.shape.map((_, i) => i).filter((i) => i !== a);
    const along = input.shape.map((d, i) => (i === a ? d : 1));
    let mean: Tensor = movingMean, variance: Tensor = movingVariance;
    if (options.training === true && this.trainable) {
      if (a === input.rank - 1) {
        // Channels last, the common case: one op with a kernel of its own.
        const r = batchNormTraining(input, this.gamma, this.beta, this.epsilon);
        this.updateMoving(movingMean, r.mean);
        this.updateMoving(movingVariance, r.variance);
        return r.y;
      }
      ({ mean, variance } = moments(input, axes));
      this.updateMoving(movingMean, mean);
      this.updateMoving(movingVariance, variance);
    }
    // y = x·s + (β − μ·s) with s = γ / √(σ² + ε): two passes over x instead of four.
    const gain = this.gamma === undefined ? this.rsqrt(variance) : mul(this.gamma, this.rsqrt(variance));
    const offset = this.beta === undefined ? mul(-1, mul(mean, gain)) : sub(this.beta, mul(mean, gain));
    return add(mul(input, reshape(gain, along)), reshape(offset, along));
  }

  /** `1 / √(variance + ε)`. */
  private rsqrt(variance: Tensor): Tensor {
    return div(1, sqrt(add(variance, this.epsilon)));
  }

  /** `moving ← moving·momentum + batch·(1 − momentum)`, outside every tape. */
  private updateMoving(moving: Variable, batch: Tensor): void {
    noGrad(() => moving.assign(add(mul(moving, this.momentum), mul(batch, 1 - this.momentum))));
  }

  override getConfig(): LayerConfig["config"] {
    return {
      ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      betaInitializer: this.initializers.beta, gammaInitializer: this.initializers.gamma,
      movingMeanInitializer: this.initializers.movingMean, movingVarianceInitializer: this.initializers.movingVariance,
    };
  }
}

/**
 * A batch normalization layer (Keras' `BatchNormalization`, Keras' defaults).
 * @example `gt.layers.batchNormalization()` after a conv2d normalizes each channel.
 */
export function batchNormalization(options: BatchNormalizationOptions = {}): BatchNormalization {
  return new BatchNormalization(options);
}
