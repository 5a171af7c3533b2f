/**
 * Adagrad (Duchi, Hazan & Singer, 2011) with PyTorch's formula and Keras' defaults.
 * @module
 */
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { checkOptionNames, nonNegative, positive } from "./options.js";
import { allocateLike, checkUpdate, type FloatArray, type SlotEntry } from "./state.js";

/** The hyperparameters of one {@link adagradUpdate}. */
export interface AdagradHyperparameters {
  /** The step size `lr` of this update. */
  learningRate: number;
  /** The value the accumulator starts from before the first step. */
  initialAccumulatorValue: number;
  /** ε, added to the denominator. */
  epsilon: number;
}

/**
 * One Adagrad step for one weight array, as a pure function (new arrays; the inputs are not
 * written). With the accumulator `a` starting at `initialAccumulatorValue` (PyTorch's
 * `torch.optim.Adagrad` without learning-rate decay):
 * ```
 * a ← a + g²        w ← w − lr·g / (√a + ε)
 * ```
 * Keras puts ε inside the square root (`√(a + ε)`); with its defaults (a from 0.1, ε 1e-7) the
 * two differ by less than one part in a million.
 *
 * @param weight - the current values.
 * @param grad - the gradient, as many elements.
 * @param accumulator - the sum of squared gradients so far, or undefined before the first step.
 * @param hp - the hyperparameters.
 * @returns the new weight and accumulator.
 * @throws Error when lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 0.1, initialAccumulatorValue: 0, epsilon: 1e-7 };
 * gt.optim.adagradUpdate(new Float64Array([1]), new Float64Array([2]), undefined, hp); // w = 1 − 0.1·2/(2 + 1e-7)
 * ```
 */
export function adagradUpdate(weight: FloatArray, grad: FloatArray, accumulator: FloatArray | undefined, hp: AdagradHyperparameters): {
  /** The new weight. */
  weight: FloatArray;
  /** The new sum of squared gradients. */
  accumulator: FloatArray;
} {
  checkUpdate("adagradUpdate", weight, grad, { accumulator }, hp, { learningRate: "number", initialAccumulatorValue: "number", epsilon: "number" });
  const { learningRate: lr, initialAccumulatorValue: a0, epsilon } = hp;
  const w = allocateLike(weight);
  const a = allocateLike(weight);
  for (let i = 0; i < weight.length; i++) {
    const g = grad[i];
    a[i] = (accumulator === undefined ? a0 : accumulator[i]) + g * g;
    w[i] = weight[i] - (lr * g) / (Math.sqrt(a[i]) + epsilon);
  }
  return { weight: w, accumulator: a };
}

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.001, Keras'; PyTorch's is 0.01). */
  learningRate?: OptimizerOptions["learningRate"];
  /** The accumulator's starting value, >= 0 (default 0.1, Keras'; PyTorch's is 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator, > 0 (default 1e-7, Keras'; PyTorch's is 1e-10). */
  epsilon?: number;
}

/** What {@link Adagrad.getConfig} returns. */
export interface AdagradConfig extends OptimizerConfig {
  /** The accumulator's starting value. */
  initialAccumulatorValue: number;
  /** ε, added to the denominator. */
  epsilon: number;
}

const ADAGRAD_OPTIONS = [...BASE_OPTIONS, "initialAccumulatorValue", "epsilon"];

/**
 * Adagrad: each weight's step is divided by the root of its summed squared gradients, so often
 * updated weights slow down. The formula is PyTorch's (see {@link adagradUpdate}); the defaults
 * are Keras' (`learningRate` 0.001, `initialAccumulatorValue` 0.1, `epsilon` 1e-7).
 *
 * Slot per variable: `accumulator`.
 *
 * @throws Error for a negative or non-finite learning rate, a negative initial accumulator value,
 * epsilon <= 0, invalid clipping, or an unknown option name.
 * @example
 * ```ts
 * const opt = new gt.optim.Adagrad({ learningRate: 0.01 });
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export class Adagrad extends Optimizer {
  /** The accumulator's starting value. */
  readonly initialAccumulatorValue: number;
  /** The denominator's epsilon. */
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super("Adagrad", checkOptionNames("Adagrad", options, ADAGRAD_OPTIONS), 0.001);
    const o = options as Record<string, unknown>;
    this.initialAccumulatorValue = nonNegative("Adagrad", "initial accumulator value", o.initialAccumulatorValue ?? 0.1);
    this.epsilon = positive("Adagrad", "epsilon", o.epsilon ?? 1e-7);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): AdagradConfig {
    return super.getConfig() as AdagradConfig;
  }

  protected slotNames(): readonly string[] {
    return ["accumulator"];
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const { initialAccumulatorValue, epsilon } = this;
    const r = adagradUpdate(weight, grad, entry.slots.accumulator, { learningRate, initialAccumulatorValue, epsilon });
    return { weight: r.weight, slots: { accumulator: r.accumulator } };
  }
}
