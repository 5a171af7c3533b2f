/**
 * Adam (Kingma & Ba, 2015) with PyTorch's formulas, optionally AMSGrad.
 * @module
 */
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { scaled } from "./gradients.js";
import { checkBoolean, checkConvention, checkOptionNames, fraction, nonNegative, positive, type Convention } from "./options.js";
import { allocateLike, checkStep, checkUpdate, slotRecord, type FloatArray, type SlotEntry } from "./state.js";

/** The hyperparameters of one {@link adamUpdate}. */
export interface AdamHyperparameters {
  /** The step size `lr` of this update. */
  learningRate: number;
  /** The decay β1 of the first-moment estimate `m`. */
  beta1: number;
  /** The decay β2 of the second-moment estimate `v`. */
  beta2: number;
  /** ε, added to the denominator. */
  epsilon: number;
  /** Whether to divide by the running maximum of `v` (AMSGrad). */
  amsgrad: boolean;
  /** The weight decay: coupled L2 (`weightDecay·w` added to the gradient) with PyTorch's convention, decoupled with Keras'. */
  weightDecay: number;
  /** Whose update rule to run (default `'pytorch'`). */
  convention?: Convention;
}

/** @internal What {@link checkUpdate} checks of Adam's (and AdamW's) hyperparameters. */
export const ADAM_HYPERPARAMETERS = { learningRate: "number", beta1: "number", beta2: "number", epsilon: "number", amsgrad: "boolean", weightDecay: "number", convention: "convention" } as const;

/** Adam's slots for one weight: the moment estimates, and AMSGrad's running maximum of `v`. */
export interface AdamSlots {
  /** The first-moment estimate (the mean of the gradients), before bias correction. */
  m?: FloatArray;
  /** The second-moment estimate (the mean of the squared gradients), before bias correction. */
  v?: FloatArray;
  /** AMSGrad's running maximum of `v` (amsgrad only). */
  vMax?: FloatArray;
}

/**
 * One Adam step for one weight array, as a pure function (new arrays; the inputs are not written).
 *
 * With `t = step + 1`, both moments starting at 0, `v̂ ← v` (or with AMSGrad `vMax ← max(vMax, v)`
 * and `v̂ ← vMax`):
 *
 * `convention: 'pytorch'` (the default, `torch.optim.Adam`), with `g ← grad + weightDecay·w`:
 * ```
 * m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 * w ← w − (lr / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + ε)
 * ```
 * `convention: 'keras'` (`keras.optimizers.Adam`), after the decoupled decay `w ← w − lr·wd·w`:
 * ```
 * m ← m + (g − m)·(1 − β1)       v ← v + (g² − v)·(1 − β2)
 * w ← w − (lr·√(1 − β2ᵗ) / (1 − β1ᵗ)) · m / (√v̂ + ε)
 * ```
 * The two differ only in ε: Keras adds it to the uncorrected `√v̂`, so its ε is in effect
 * `1/√(1 − β2ᵗ)` times larger (31.6× at the first step with β2 = 0.999).
 *
 * @param weight - the current values.
 * @param grad - the gradient, as many elements.
 * @param slots - the slots from the previous step (empty before the first).
 * @param step - the updates already applied (0 for the first): to this weight in `Adam`'s PyTorch convention, by the optimizer (Keras' `iterations`) in its Keras one.
 * @param hp - the hyperparameters.
 * @returns the new weight and slots.
 * @throws Error when lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, amsgrad: false, weightDecay: 0 };
 * const r = gt.optim.adamUpdate(new Float64Array([1]), new Float64Array([1]), {}, 0, hp); // w ≈ 0.9
 * ```
 */
export function adamUpdate(weight: FloatArray, grad: FloatArray, slots: AdamSlots, step: number, hp: AdamHyperparameters): {
  /** The new weight. */
  weight: FloatArray;
  /** The new first-moment estimate. */
  m: FloatArray;
  /** The new second-moment estimate. */
  v: FloatArray;
  /** The new running maximum of `v` (amsgrad only). */
  vMax?: FloatArray;
} {
  checkStep("adamUpdate", step);
  checkUpdate("adamUpdate", weight, grad, slotRecord("adamUpdate", slots, ["m", "v", "vMax"]), hp, ADAM_HYPERPARAMETERS);
  if (hp.convention === "keras") return kerasAdamUpdate(weight, grad, slots, step, hp);
  const { learningRate: lr, beta1, beta2, epsilon, amsgrad, weightDecay: wd } = hp;
  const t = step + 1;
  const stepSize = lr / (1 - Math.pow(beta1, t));
  const correction2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
  const n = weight.length;
  const w = allocateLike(weight);
  const m = allocateLike(weight);
  const v = allocateLike(weight);
  const vMax = amsgrad ? allocateLike(weight) : undefined;
  const { m: m0, v: v0, vMax: vMax0 } = slots;
  for (let i = 0; i < n; i++) {
    const g = grad[i] + wd * weight[i];
    m[i] = beta1 * (m0 === undefined ? 0 : m0[i]) + (1 - beta1) * g;
    v[i] = beta2 * (v0 === undefined ? 0 : v0[i]) + (1 - beta2) * g * g;
    let vHat = v[i];
    if (vMax !== undefined) {
      const previous = vMax0 === undefined ? 0 : vMax0[i];
      vMax[i] = previous > vHat ? previous : vHat;
      vHat = vMax[i];
    }
    w[i] = weight[i] - (stepSize * m[i]) / (Math.sqrt(vHat) / correction2Sqrt + epsilon);
  }
  return vMax === undefined ? { weight: w, m, v } : { weight: w, m, v, vMax };
}

/** Keras' rule of {@link adamUpdate}: the bias corrections folded into the step size, ε outside them. */
function kerasAdamUpdate(weight: FloatArray, grad: FloatArray, slots: AdamSlots, step: number, hp: AdamHyperparameters): ReturnType<typeof adamUpdate> {
  const { learningRate: lr, beta1, beta2, epsilon, amsgrad, weightDecay: wd } = hp;
  const t = step + 1;
  const alpha = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
  const w0 = wd === 0 ? weight : scaled(weight, 1 - lr * wd);
  const n = weight.length;
  const w = allocateLike(weight);
  const m = allocateLike(weight);
  const v = allocateLike(weight);
  const vMax = amsgrad ? allocateLike(weight) : undefined;
  const { m: m0, v: v0, vMax: vMax0 } = slots;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mPrev = m0 === undefined ? 0 : m0[i];
    const vPrev = v0 === undefined ? 0 : v0[i];
    m[i] = mPrev + (g - mPrev) * (1 - beta1);
    v[i] = vPrev + (g * g - vPrev) * (1 - beta2);
    let vHat = v[i];
    if (vMax !== undefined) {
      const previous = vMax0 === undefined ? 0 : vMax0[i];
      vMax[i] = previous > vHat ? previous : vHat;
      vHat = vMax[i];
    }
    w[i] = w0[i] - (m[i] * alpha) / (Math.sqrt(vHat) + epsilon);
  }
  return vMax === undefined ? { weight: w, m, v } : { weight: w, m, v, vMax };
}

/** Options of {@link Adam}. */
export interface AdamOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.001). */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay of the first-moment estimate, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment estimate, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to the denominator, > 0 (default: 1e-8, PyTorch's, with PyTorch's convention; 1e-7, Keras', with Keras'). */
  epsilon?: number;
  /** Use AMSGrad's running maximum of the second moment (default false). */
  amsgrad?: boolean;
  /**
   * Weight decay (default 0): with PyTorch's convention a coupled L2 penalty added to the gradient,
   * as PyTorch's Adam does (decoupled decay is {@link AdamW}); with Keras' convention decoupled,
   * as Keras 3's Adam does.
   */
  weightDecay?: number;
  /**
   * Whose update rule to run: `'pytorch'` (default) or `'keras'` (see {@link adamUpdate}): where ε
   * sits, the default ε, whether the decay is coupled, and which count the bias corrections use.
   */
  convention?: Convention;
}

/** What {@link Adam.getConfig} returns. */
export interface AdamConfig extends OptimizerConfig {
  /** The decay of the first-moment estimate. */
  beta1: number;
  /** The decay of the second-moment estimate. */
  beta2: number;
  /** ε, added to the denominator. */
  epsilon: number;
  /** Whether AMSGrad is used. */
  amsgrad: boolean;
  /** The weight decay (coupled with PyTorch's convention, decoupled with Keras'). */
  weightDecay: number;
  /** Whose update rule runs. */
  convention: Convention;
}

const ADAM_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2", "epsilon", "amsgrad", "weightDecay", "convention"];

/**
 * Adam, by default with PyTorch's formulas; with `convention: 'keras'`, Keras' (see
 * {@link adamUpdate}). Epsilon defaults to each framework's own (1e-8 PyTorch, 1e-7 Keras), since
 * each sits where its framework puts it. With PyTorch's convention the bias correction counts the
 * updates of each variable, so a variable that missed some steps is corrected for its own count;
 * with Keras' it counts the optimizer's updates (`iterations`), as Keras does.
 *
 * Slots per variable: `m`, `v`, and `vMax` with AMSGrad.
 *
 * @throws Error for a negative or non-finite learning rate, a beta outside [0, 1), epsilon <= 0,
 * negative weight decay, an unknown convention, invalid clipping, or an unknown option name.
 * @example
 * ```ts
 * const opt = new gt.optim.Adam({ learningRate: 1e-3 });
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export class Adam extends Optimizer {
  /** Decay of the first moment. */
  readonly beta1: number;
  /** Decay of the second moment. */
  readonly beta2: number;
  /** The denominator's epsilon. */
  readonly epsilon: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;
  /** The weight decay (coupled with PyTorch's convention, decoupled with Keras'). */
  readonly weightDecay: number;
  /** Whose update rule runs. */
  readonly convention: Convention;

  constructor(options: AdamOptions = {}) {
    super("Adam", checkOptionNames("Adam", options, ADAM_OPTIONS), 0.001);
    const o = options as Record<string, unknown>;
    this.beta1 = fraction("Adam", "beta1", o.beta1 ?? 0.9);
    this.beta2 = fraction("Adam", "beta2", o.beta2 ?? 0.999);
    this.convention = checkConvention("Adam", o.convention);
    this.epsilon = positive("Adam", "epsilon", o.epsilon ?? (this.convention === "keras" ? 1e-7 : 1e-8));
    this.amsgrad = checkBoolean("Adam", "amsgrad", o.amsgrad ?? false);
    this.weightDecay = nonNegative("Adam", "weight decay", o.weightDecay ?? 0);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): AdamConfig {
    return super.getConfig() as AdamConfig;
  }

  protected slotNames(): readonly string[] {
    return this.amsgrad ? ["m", "v", "vMax"] : ["m", "v"];
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, weightDecay: this.weightDecay, convention: this.convention };
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const { beta1, beta2, epsilon, amsgrad, weightDecay, convention } = this;
    const step = convention === "keras" ? this.iterations : entry.step;
    const { weight: w, ...slots } = adamUpdate(weight, grad, entry.slots, step, { learningRate, beta1, beta2, epsilon, amsgrad, weightDecay, convention });
    return { weight: w, slots };
  }
}
