/**
 * Inverted dropout: while training, each input is zeroed with probability `rate` and the rest are
 * scaled by `1 / (1 − rate)`, so nothing changes at inference.
 * @module
 */
import { checkSeed, randomUniform, type Seed } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { mul } from "../ops/arithmetic.js";
import { greaterEqual } from "../ops/compare.js";
import { cast } from "../ops/lift.js";
import { Layer, type CallOptions, type LayerConfig, type LayerOptions } from "./layer.js";
import { checkOptions } from "./options.js";

/** Options of {@link dropout}. */
export interface DropoutOptions extends LayerOptions {
  /** The fraction of inputs to drop, in [0, 1). */
  rate: number;
  /**
   * Seed of the masks. Call `k` (counting only training calls) draws its mask with the seed
   * `${seed}/${k}`: a new mask each call, the same sequence of masks for the same seed. Without
   * a seed, masks come from the global stream.
   */
  seed?: Seed;
}

/** The dropout layer; active only when called with `{ training: true }`. */
export class Dropout extends Layer {
  /** The fraction of inputs dropped while training. */
  readonly rate: number;
  /** The seed of the masks, if given. */
  readonly seed: Seed | undefined;
  /** @internal Masks drawn so far (training calls); checkpoints save it so a resumed run draws the masks it would have. */
  masks = 0;

  /** @throws Error when `rate` is not in [0, 1) or an option is unknown. */
  constructor(options: DropoutOptions) {
    checkOptions("dropout", options, ["rate", "seed", "name", "inputShape", "trainable", "dtype"]);
    const rate = options?.rate;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be a number in [0, 1), got ${String(rate)}`);
    super(options, "dropout");
    this.rate = rate;
    this.seed = checkSeed(this.name, options.seed);
  }

  override get className(): string {
    return "Dropout";
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    if (options.training !== true || this.rate === 0) return x;
    const seed = this.seed === undefined ? undefined : `${this.seed}/${this.masks}`;
    this.masks++;
    const keep = greaterEqual(randomUniform(x.shape, { seed, dtype: "float64" }), this.rate);
    return mul(x, mul(cast(keep, x.dtype), 1 / (1 - this.rate)));
  }

  override getConfig(): LayerConfig["config"] {
    const config = { ...super.getConfig(), rate: this.rate };
    return this.seed === undefined ? config : { ...config, seed: this.seed };
  }
}

/**
 * A dropout layer (inverted dropout, active only when `training`).
 * @throws Error when `rate` is not in [0, 1).
 * @example `gt.layers.dropout({ rate: 0.2, seed: 7 })`
 */
export function dropout(options: DropoutOptions): Dropout {
  return new Dropout(options);
}
