/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, as PyTorch and Keras 3
 * have it.
 * @module
 */
import { ADAM_HYPERPARAMETERS, adamUpdate, type AdamHyperparameters, type AdamSlots } from "./adam.js";
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { checkBoolean, checkConvention, checkOptionNames, fraction, nonNegative, positive, type Convention } from "./options.js";
import { allocateLike, checkStep, checkUpdate, slotRecord, type FloatArray, type SlotEntry } from "./state.js";

/** The hyperparameters of one {@link adamwUpdate}: Adam's, with `weightDecay` decoupled. */
export type AdamWHyperparameters = AdamHyperparameters;

/**
 * One AdamW step for one weight array, as a pure function (new arrays; the inputs are not
 * written). The weight decays first, by the learning rate times `weightDecay`, and then takes
 * Adam's step computed from the gradient alone (PyTorch's `torch.optim.AdamW`; Keras 3 decays the
 * same way):
 * ```
 * w ← w − lr·wd·w
 * m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 * w ← w − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * ```
 * Unlike Adam's coupled `weightDecay`, the decay never passes through `m` and `v`, so it is not
 * scaled down where gradients are large. With `convention: 'keras'` the decay is the same and the
 * Adam step is Keras' (see `adamUpdate`).
 *
 * @param weight - the current values.
 * @param grad - the gradient, as many elements.
 * @param slots - the slots from the previous step (empty before the first).
 * @param step - the updates already applied to this weight (0 for the first).
 * @param hp - the hyperparameters; `weightDecay` is the decoupled factor.
 * @returns the new weight and slots.
 * @throws Error when lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, amsgrad: false, weightDecay: 0.5 };
 * gt.optim.adamwUpdate(new Float64Array([1]), new Float64Array([1]), {}, 0, hp); // w ≈ 0.95 − 0.1
 * ```
 */
export function adamwUpdate(weight: FloatArray, grad: FloatArray, slots: AdamSlots, step: number, hp: AdamWHyperparameters): ReturnType<typeof adamUpdate> {
  // Checked here too, before the decay reads them, so that the messages name adamwUpdate.
  checkStep("adamwUpdate", step);
  checkUpdate("adamwUpdate", weight, grad, slotRecord("adamwUpdate", slots, ["m", "v", "vMax"]), hp, ADAM_HYPERPARAMETERS);
  const keep = 1 - hp.learningRate * hp.weightDecay;
  const decayed = allocateLike(weight);
  for (let i = 0; i < weight.length; i++) decayed[i] = weight[i] * keep;
  return adamUpdate(decayed, grad, slots, step, { ...hp, weightDecay: 0 });
}

/** Options of {@link AdamW}. */
export interface AdamWOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.001, both frameworks'). */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay of the first-moment estimate, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment estimate, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to the denominator, > 0 (default: 1e-8, PyTorch's, with PyTorch's convention; 1e-7, Keras', with Keras'). */
  epsilon?: number;
  /** Use AMSGrad's running maximum of the second moment (default false). */
  amsgrad?: boolean;
  /** The decoupled decay factor, >= 0 (default 0.004, Keras 3's; PyTorch's is 0.01). */
  weightDecay?: number;
  /** Whose Adam step follows the decay: `'pytorch'` (default) or `'keras'`, as for `Adam`. */
  convention?: Convention;
}

/** What {@link AdamW.getConfig} returns. */
export interface AdamWConfig extends OptimizerConfig {
  /** The decay of the first-moment estimate. */
  beta1: number;
  /** The decay of the second-moment estimate. */
  beta2: number;
  /** ε, added to the denominator. */
  epsilon: number;
  /** Whether AMSGrad is used. */
  amsgrad: boolean;
  /** The decoupled weight decay. */
  weightDecay: number;
  /** Whose Adam step runs. */
  convention: Convention;
}

const ADAMW_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2", "epsilon", "amsgrad", "weightDecay", "convention"];

/**
 * AdamW, by default with PyTorch's formulas (see {@link adamwUpdate}); with `convention: 'keras'`
 * Keras 3's, which decays the same way and takes Keras' Adam step. Defaults: `learningRate` 0.001
 * and β 0.9, 0.999 (both frameworks), `epsilon` each framework's own (1e-8 PyTorch, 1e-7 Keras),
 * `weightDecay` 0.004 (Keras 3's; pass 0.01 for PyTorch's). The decay is multiplied by the learning rate, so a
 * schedule scales it too, in both frameworks.
 *
 * Slots per variable: `m`, `v`, and `vMax` with AMSGrad.
 *
 * @throws Error for a negative or non-finite learning rate, a beta outside [0, 1), epsilon <= 0,
 * negative weight decay, invalid clipping, or an unknown option name.
 * @example
 * ```ts
 * const opt = new gt.optim.AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export class AdamW extends Optimizer {
  /** Decay of the first moment. */
  readonly beta1: number;
  /** Decay of the second moment. */
  readonly beta2: number;
  /** The denominator's epsilon. */
  readonly epsilon: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;
  /** The decoupled weight decay. */
  readonly weightDecay: number;
  /** Whose Adam step runs. */
  readonly convention: Convention;

  constructor(options: AdamWOptions = {}) {
    super("AdamW", checkOptionNames("AdamW", options, ADAMW_OPTIONS), 0.001);
    const o = options as Record<string, unknown>;
    this.beta1 = fraction("AdamW", "beta1", o.beta1 ?? 0.9);
    this.beta2 = fraction("AdamW", "beta2", o.beta2 ?? 0.999);
    this.convention = checkConvention("AdamW", o.convention);
    this.epsilon = positive("AdamW", "epsilon", o.epsilon ?? (this.convention === "keras" ? 1e-7 : 1e-8));
    this.amsgrad = checkBoolean("AdamW", "amsgrad", o.amsgrad ?? false);
    this.weightDecay = nonNegative("AdamW", "weight decay", o.weightDecay ?? 0.004);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): AdamWConfig {
    return super.getConfig() as AdamWConfig;
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
    const { weight: w, ...slots } = adamwUpdate(weight, grad, entry.slots, step, { learningRate, beta1, beta2, epsilon, amsgrad, weightDecay, convention });
    return { weight: w, slots };
  }
}
