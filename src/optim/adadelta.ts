/**
 * Adadelta (Zeiler, 2012) with PyTorch's (and Keras') formula and Keras' defaults.
 * @module
 */
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { checkOptionNames, fraction, positive } from "./options.js";
import { allocateLike, checkUpdate, slotRecord, type FloatArray, type SlotEntry } from "./state.js";

/** The hyperparameters of one {@link adadeltaUpdate}. */
export interface AdadeltaHyperparameters {
  /** The step size `lr` of this update (the paper has none: 1). */
  learningRate: number;
  /** The decay ρ of both running means. */
  rho: number;
  /** ε, added inside both square roots. */
  epsilon: number;
}

/** Adadelta's slots for one weight. */
export interface AdadeltaSlots {
  /** Running mean of g². */
  squareAvg?: FloatArray;
  /** Running mean of the squared steps. */
  accDelta?: FloatArray;
}

/**
 * One Adadelta step for one weight array, as a pure function (new arrays; the inputs are not
 * written). Both running means start at 0 (`torch.optim.Adadelta`; Keras writes the same):
 * ```
 * s ← ρ·s + (1 − ρ)·g²
 * Δ ← √(d + ε) / √(s + ε) · g
 * d ← ρ·d + (1 − ρ)·Δ²
 * w ← w − lr·Δ
 * ```
 *
 * @param weight - the current values.
 * @param grad - the gradient, as many elements.
 * @param slots - the slots from the previous step (empty before the first).
 * @param hp - the hyperparameters.
 * @returns the new weight and slots.
 * @throws Error when lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 1, rho: 0.9, epsilon: 1e-6 };
 * gt.optim.adadeltaUpdate(new Float64Array([1]), new Float64Array([1]), {}, hp); // w = 1 − √1e-6/√(0.1 + 1e-6)
 * ```
 */
export function adadeltaUpdate(weight: FloatArray, grad: FloatArray, slots: AdadeltaSlots, hp: AdadeltaHyperparameters): {
  /** The new weight. */
  weight: FloatArray;
  /** The new running mean of g². */
  squareAvg: FloatArray;
  /** The new running mean of the squared steps. */
  accDelta: FloatArray;
} {
  checkUpdate("adadeltaUpdate", weight, grad, slotRecord("adadeltaUpdate", slots, ["squareAvg", "accDelta"]), hp, { learningRate: "number", rho: "number", epsilon: "number" });
  const { learningRate: lr, rho, epsilon } = hp;
  const w = allocateLike(weight);
  const s = allocateLike(weight);
  const d = allocateLike(weight);
  const { squareAvg: s0, accDelta: d0 } = slots;
  for (let i = 0; i < weight.length; i++) {
    const g = grad[i];
    s[i] = rho * (s0 === undefined ? 0 : s0[i]) + (1 - rho) * g * g;
    const previous = d0 === undefined ? 0 : d0[i];
    const delta = (Math.sqrt(previous + epsilon) / Math.sqrt(s[i] + epsilon)) * g;
    d[i] = rho * previous + (1 - rho) * delta * delta;
    w[i] = weight[i] - lr * delta;
  }
  return { weight: w, squareAvg: s, accDelta: d };
}

/** Options of {@link Adadelta}. */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.001, Keras'; PyTorch's is 1, the paper's). */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay of the running means, in [0, 1) (default 0.95, Keras' and the paper's; PyTorch's is 0.9). */
  rho?: number;
  /** Added inside the square roots, > 0 (default 1e-7, Keras'; PyTorch's is 1e-6). */
  epsilon?: number;
}

/** What {@link Adadelta.getConfig} returns. */
export interface AdadeltaConfig extends OptimizerConfig {
  /** The decay of the running means. */
  rho: number;
  /** ε, added inside the square roots. */
  epsilon: number;
}

const ADADELTA_OPTIONS = [...BASE_OPTIONS, "rho", "epsilon"];

/**
 * Adadelta: steps scaled by the ratio of the running RMS of past steps to that of the gradients,
 * so the units of the step match the weight's. The formula is PyTorch's and Keras' (see
 * {@link adadeltaUpdate}); the defaults are Keras' (`learningRate` 0.001, `rho` 0.95, `epsilon`
 * 1e-7). With Keras' learning rate it moves slowly: the paper (and PyTorch) use 1.
 *
 * Slots per variable: `squareAvg`, `accDelta`.
 *
 * @throws Error for a negative or non-finite learning rate, rho outside [0, 1), epsilon <= 0,
 * invalid clipping, or an unknown option name.
 * @example
 * ```ts
 * const opt = new gt.optim.Adadelta({ learningRate: 1 });
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export class Adadelta extends Optimizer {
  /** Decay of the running means. */
  readonly rho: number;
  /** The epsilon inside the square roots. */
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super("Adadelta", checkOptionNames("Adadelta", options, ADADELTA_OPTIONS), 0.001);
    const o = options as Record<string, unknown>;
    this.rho = fraction("Adadelta", "rho", o.rho ?? 0.95);
    this.epsilon = positive("Adadelta", "epsilon", o.epsilon ?? 1e-7);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): AdadeltaConfig {
    return super.getConfig() as AdadeltaConfig;
  }

  protected slotNames(): readonly string[] {
    return ["squareAvg", "accDelta"];
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return { rho: this.rho, epsilon: this.epsilon };
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const { weight: w, ...slots } = adadeltaUpdate(weight, grad, entry.slots, { learningRate, rho: this.rho, epsilon: this.epsilon });
    return { weight: w, slots };
  }
}
