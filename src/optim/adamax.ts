/**
 * Adamax (Kingma & Ba, 2015, section 7.1): Adam with the infinity norm, with PyTorch's formula
 * and Keras' defaults.
 * @module
 */
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { checkOptionNames, fraction, positive } from "./options.js";
import { allocateLike, checkStep, checkUpdate, slotRecord, type FloatArray, type SlotEntry } from "./state.js";

/** The hyperparameters of one {@link adamaxUpdate}. */
export interface AdamaxHyperparameters {
  /** The step size `lr` of this update. */
  learningRate: number;
  /** The decay β1 of the first-moment estimate `m`. */
  beta1: number;
  /** The decay β2 of the infinity norm `u`. */
  beta2: number;
  /** ε, added to |g| before the maximum. */
  epsilon: number;
}

/** Adamax's slots for one weight. */
export interface AdamaxSlots {
  /** The first-moment estimate, before bias correction. */
  m?: FloatArray;
  /** The exponentially weighted infinity norm of the gradients. */
  u?: FloatArray;
}

/**
 * One Adamax step for one weight array, as a pure function (new arrays; the inputs are not
 * written). With `t = step + 1` and both slots starting at 0 (PyTorch's `torch.optim.Adamax`):
 * ```
 * m ← β1·m + (1 − β1)·g       u ← max(β2·u, |g| + ε)
 * w ← w − (lr / (1 − β1ᵗ)) · m / u
 * ```
 * Keras keeps `u ← max(β2·u, |g|)` and divides by `u + ε` instead; the two differ only where
 * |g| is comparable to ε.
 *
 * @param weight - the current values.
 * @param grad - the gradient, as many elements.
 * @param slots - the slots from the previous step (empty before the first).
 * @param step - the updates already applied to this weight (0 for the first).
 * @param hp - the hyperparameters.
 * @returns the new weight and slots.
 * @throws Error when lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
 * gt.optim.adamaxUpdate(new Float64Array([1]), new Float64Array([2]), {}, 0, hp); // w = 1 − 0.1·2/(2 + 1e-7)
 * ```
 */
export function adamaxUpdate(weight: FloatArray, grad: FloatArray, slots: AdamaxSlots, step: number, hp: AdamaxHyperparameters): {
  /** The new weight. */
  weight: FloatArray;
  /** The new first-moment estimate. */
  m: FloatArray;
  /** The new infinity norm. */
  u: FloatArray;
} {
  checkStep("adamaxUpdate", step);
  checkUpdate("adamaxUpdate", weight, grad, slotRecord("adamaxUpdate", slots, ["m", "u"]), hp, { learningRate: "number", beta1: "number", beta2: "number", epsilon: "number" });
  const { learningRate: lr, beta1, beta2, epsilon } = hp;
  const stepSize = lr / (1 - Math.pow(beta1, step + 1));
  const w = allocateLike(weight);
  const m = allocateLike(weight);
  const u = allocateLike(weight);
  const { m: m0, u: u0 } = slots;
  for (let i = 0; i < weight.length; i++) {
    const g = grad[i];
    m[i] = beta1 * (m0 === undefined ? 0 : m0[i]) + (1 - beta1) * g;
    const decayed = beta2 * (u0 === undefined ? 0 : u0[i]);
    const norm = Math.abs(g) + epsilon;
    u[i] = decayed > norm ? decayed : norm;
    w[i] = weight[i] - (stepSize * m[i]) / u[i];
  }
  return { weight: w, m, u };
}

/** Options of {@link Adamax}. */
export interface AdamaxOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.001, Keras'; PyTorch's is 0.002). */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay of the first-moment estimate, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the infinity norm, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to |g|, > 0 (default 1e-7, Keras'; PyTorch's is 1e-8). */
  epsilon?: number;
}

/** What {@link Adamax.getConfig} returns. */
export interface AdamaxConfig extends OptimizerConfig {
  /** The decay of the first-moment estimate. */
  beta1: number;
  /** The decay of the infinity norm. */
  beta2: number;
  /** ε, added to |g|. */
  epsilon: number;
}

const ADAMAX_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2", "epsilon"];

/**
 * Adamax: Adam whose second moment is replaced by a decaying maximum of |g|. The formula is
 * PyTorch's (see {@link adamaxUpdate}); the defaults are Keras' (`learningRate` 0.001, `epsilon`
 * 1e-7; both use β 0.9 and 0.999). Bias correction counts each variable's own updates.
 *
 * Slots per variable: `m`, `u`.
 *
 * @throws Error for a negative or non-finite learning rate, a beta outside [0, 1), epsilon <= 0,
 * invalid clipping, or an unknown option name.
 * @example
 * ```ts
 * const opt = new gt.optim.Adamax({ learningRate: 0.002 });
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export class Adamax extends Optimizer {
  /** Decay of the first moment. */
  readonly beta1: number;
  /** Decay of the infinity norm. */
  readonly beta2: number;
  /** The epsilon added to |g|. */
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super("Adamax", checkOptionNames("Adamax", options, ADAMAX_OPTIONS), 0.001);
    const o = options as Record<string, unknown>;
    this.beta1 = fraction("Adamax", "beta1", o.beta1 ?? 0.9);
    this.beta2 = fraction("Adamax", "beta2", o.beta2 ?? 0.999);
    this.epsilon = positive("Adamax", "epsilon", o.epsilon ?? 1e-7);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): AdamaxConfig {
    return super.getConfig() as AdamaxConfig;
  }

  protected slotNames(): readonly string[] {
    return ["m", "u"];
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const { beta1, beta2, epsilon } = this;
    const { weight: w, ...slots } = adamaxUpdate(weight, grad, entry.slots, entry.step, { learningRate, beta1, beta2, epsilon });
    return { weight: w, slots };
  }
}
