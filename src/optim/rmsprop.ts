/**
 * RMSprop (Hinton's lecture 6e) with PyTorch's formulas: optional momentum and centering.
 * @module
 */
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { scaled } from "./gradients.js";
import { checkBoolean, checkConvention, checkOptionNames, fraction, nonNegative, positive, type Convention } from "./options.js";
import { allocateLike, checkUpdate, slotRecord, type FloatArray, type SlotEntry } from "./state.js";

/** The hyperparameters of one {@link rmspropUpdate}. */
export interface RMSpropHyperparameters {
  /** The step size `lr` of this update. */
  learningRate: number;
  /** The decay ρ of the running means. */
  rho: number;
  /** ε, added to the denominator. */
  epsilon: number;
  /** The momentum factor (0: no momentum buffer). */
  momentum: number;
  /** Whether to divide by an estimate of the variance rather than of the raw second moment. */
  centered: boolean;
  /** The weight decay: coupled L2 (`weightDecay·w` added to the gradient) with PyTorch's convention, decoupled with Keras'. */
  weightDecay: number;
  /** Whose update rule to run (default `'pytorch'`). */
  convention?: Convention;
}

/** RMSprop's slots for one weight. */
export interface RMSpropSlots {
  /** Running mean of g². */
  squareAvg?: FloatArray;
  /** Running mean of g (centered only). */
  gradAvg?: FloatArray;
  /** PyTorch's momentum buffer of steps without the learning rate (momentum > 0, PyTorch's convention). */
  momentumBuffer?: FloatArray;
  /** Keras' momentum buffer of steps with the learning rate in them (momentum > 0, Keras' convention). */
  momentum?: FloatArray;
}

/**
 * One RMSprop step for one weight array, as a pure function (new arrays; the inputs are not
 * written). Every average starts at 0; `s ← ρ·s + (1 − ρ)·g²` and, when centered,
 * `ḡ ← ρ·ḡ + (1 − ρ)·g`.
 *
 * `convention: 'pytorch'` (the default, `torch.optim.RMSprop`, whose `alpha` is `rho` here), with
 * `g ← grad + weightDecay·w`:
 * ```
 * d ← √s + ε   (centered: √(s − ḡ²) + ε)
 * momentum m > 0: b ← m·b + g/d;  w ← w − lr·b            else: w ← w − lr·g/d
 * ```
 * `convention: 'keras'` (`keras.optimizers.RMSprop`), after the decoupled decay `w ← w − lr·wd·w`:
 * ```
 * d ← √(s + ε)   (centered: √(s − ḡ² + ε))
 * momentum m > 0: b ← m·b + lr·g/d;  w ← w − b            else: w ← w − lr·g/d
 * ```
 * ε inside the root weighs as much as PyTorch's ε², and Keras' buffer carries the learning rate
 * of each past step, as its SGD velocity does.
 *
 * @param weight - the current values.
 * @param grad - the gradient, as many elements.
 * @param slots - the slots from the previous step (empty before the first).
 * @param hp - the hyperparameters.
 * @returns the new weight and slots.
 * @throws Error when lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 0.01, rho: 0.9, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0 };
 * gt.optim.rmspropUpdate(new Float64Array([1]), new Float64Array([1]), {}, hp); // w = 1 − 0.01/(√0.1 + 1e-8)
 * ```
 */
export function rmspropUpdate(weight: FloatArray, grad: FloatArray, slots: RMSpropSlots, hp: RMSpropHyperparameters): {
  /** The new weight. */
  weight: FloatArray;
} & RMSpropSlots & {
  /** The new running mean of g². */
  squareAvg: FloatArray;
} {
  checkUpdate("rmspropUpdate", weight, grad, slotRecord("rmspropUpdate", slots, ["squareAvg", "gradAvg", "momentumBuffer", "momentum"]), hp, { learningRate: "number", rho: "number", epsilon: "number", momentum: "number", centered: "boolean", weightDecay: "number", convention: "convention" });
  if (hp.convention === "keras") return kerasRmspropUpdate(weight, grad, slots, hp);
  const { learningRate: lr, rho, epsilon, momentum, centered, weightDecay: wd } = hp;
  const n = weight.length;
  const w = allocateLike(weight);
  const s = allocateLike(weight);
  const a = centered ? allocateLike(weight) : undefined;
  const b = momentum > 0 ? allocateLike(weight) : undefined;
  const { squareAvg: s0, gradAvg: a0, momentumBuffer: b0 } = slots;
  for (let i = 0; i < n; i++) {
    const g = grad[i] + wd * weight[i];
    s[i] = rho * (s0 === undefined ? 0 : s0[i]) + (1 - rho) * g * g;
    let d: number;
    if (a !== undefined) {
      a[i] = rho * (a0 === undefined ? 0 : a0[i]) + (1 - rho) * g;
      // s ≥ ḡ² holds exactly, but rounding can put it a hair below, where PyTorch's sqrt gives NaN.
      const variance = s[i] - a[i] * a[i];
      d = Math.sqrt(variance > 0 ? variance : 0) + epsilon;
    } else {
      d = Math.sqrt(s[i]) + epsilon;
    }
    if (b !== undefined) {
      b[i] = momentum * (b0 === undefined ? 0 : b0[i]) + g / d;
      w[i] = weight[i] - lr * b[i];
    } else {
      w[i] = weight[i] - (lr * g) / d;
    }
  }
  const out: { weight: FloatArray } & RMSpropSlots & { squareAvg: FloatArray } = { weight: w, squareAvg: s };
  if (a !== undefined) out.gradAvg = a;
  if (b !== undefined) out.momentumBuffer = b;
  return out;
}

/** Keras' rule of {@link rmspropUpdate}: ε inside the root, the learning rate inside the momentum buffer. */
function kerasRmspropUpdate(weight: FloatArray, grad: FloatArray, slots: RMSpropSlots, hp: RMSpropHyperparameters): ReturnType<typeof rmspropUpdate> {
  const { learningRate: lr, rho, epsilon, momentum, centered, weightDecay: wd } = hp;
  const w0 = wd === 0 ? weight : scaled(weight, 1 - lr * wd);
  const n = weight.length;
  const w = allocateLike(weight);
  const s = allocateLike(weight);
  const a = centered ? allocateLike(weight) : undefined;
  const b = momentum > 0 ? allocateLike(weight) : undefined;
  const { squareAvg: s0, gradAvg: a0, momentum: b0 } = slots;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    s[i] = rho * (s0 === undefined ? 0 : s0[i]) + (1 - rho) * g * g;
    let variance = s[i];
    if (a !== undefined) {
      a[i] = rho * (a0 === undefined ? 0 : a0[i]) + (1 - rho) * g;
      variance -= a[i] * a[i];
    }
    const increment = (lr * g) / Math.sqrt(variance + epsilon);
    if (b !== undefined) {
      b[i] = momentum * (b0 === undefined ? 0 : b0[i]) + increment;
      w[i] = w0[i] - b[i];
    } else {
      w[i] = w0[i] - increment;
    }
  }
  const out: ReturnType<typeof rmspropUpdate> = { weight: w, squareAvg: s };
  if (a !== undefined) out.gradAvg = a;
  if (b !== undefined) out.momentum = b;
  return out;
}

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.001, Keras' default). */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay of the running mean of g², in [0, 1) (default 0.9, Keras' default; PyTorch's `alpha`). */
  rho?: number;
  /** Added to the denominator, > 0 (default: 1e-8, PyTorch's, outside the root with PyTorch's convention; 1e-7, Keras', inside it with Keras'). */
  epsilon?: number;
  /** Momentum factor >= 0 (default 0). */
  momentum?: number;
  /** Divide by an estimate of the variance instead of the raw second moment (default false). */
  centered?: boolean;
  /** Weight decay (default 0): coupled L2 added to the gradient with PyTorch's convention, decoupled with Keras'. */
  weightDecay?: number;
  /** Whose update rule to run: `'pytorch'` (default) or `'keras'` (see {@link rmspropUpdate}). */
  convention?: Convention;
}

/** What {@link RMSprop.getConfig} returns. */
export interface RMSpropConfig extends OptimizerConfig {
  /** The decay of the running means. */
  rho: number;
  /** ε, added to the denominator. */
  epsilon: number;
  /** The momentum factor. */
  momentum: number;
  /** Whether the centered variant is used. */
  centered: boolean;
  /** The weight decay (coupled with PyTorch's convention, decoupled with Keras'). */
  weightDecay: number;
  /** Whose update rule runs. */
  convention: Convention;
}

const RMSPROP_OPTIONS = [...BASE_OPTIONS, "rho", "epsilon", "momentum", "centered", "weightDecay", "convention"];

/**
 * RMSprop, by default with PyTorch's formulas; with `convention: 'keras'`, Keras' (see
 * {@link rmspropUpdate}). The learning rate and rho default to Keras' (0.001, 0.9) in both;
 * epsilon to each framework's own (1e-8 PyTorch, 1e-7 Keras), since each sits where its
 * framework puts it.
 *
 * Slots per variable: `squareAvg`, plus `gradAvg` when centered, and with momentum
 * `momentumBuffer` (PyTorch's convention) or `momentum` (Keras', which holds the learning rate).
 *
 * @throws Error for a negative or non-finite learning rate, rho outside [0, 1), epsilon <= 0,
 * negative momentum or weight decay, an unknown convention, invalid clipping, or an unknown
 * option name.
 * @example
 * ```ts
 * const opt = new gt.optim.RMSprop({ learningRate: 1e-3, momentum: 0.9 });
 * opt.applyGradients(gt.zip(grads, model.trainableVariables));
 * ```
 */
export class RMSprop extends Optimizer {
  /** Decay of the running mean of g². */
  readonly rho: number;
  /** The denominator's epsilon. */
  readonly epsilon: number;
  /** The momentum factor. */
  readonly momentum: number;
  /** Whether the variance estimate is centered. */
  readonly centered: boolean;
  /** The weight decay (coupled with PyTorch's convention, decoupled with Keras'). */
  readonly weightDecay: number;
  /** Whose update rule runs. */
  readonly convention: Convention;

  constructor(options: RMSpropOptions = {}) {
    super("RMSprop", checkOptionNames("RMSprop", options, RMSPROP_OPTIONS), 0.001);
    const o = options as Record<string, unknown>;
    this.rho = fraction("RMSprop", "rho", o.rho ?? 0.9);
    this.convention = checkConvention("RMSprop", o.convention);
    this.epsilon = positive("RMSprop", "epsilon", o.epsilon ?? (this.convention === "keras" ? 1e-7 : 1e-8));
    this.momentum = nonNegative("RMSprop", "momentum", o.momentum ?? 0);
    this.centered = checkBoolean("RMSprop", "centered", o.centered ?? false);
    this.weightDecay = nonNegative("RMSprop", "weight decay", o.weightDecay ?? 0);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): RMSpropConfig {
    return super.getConfig() as RMSpropConfig;
  }

  protected slotNames(): readonly string[] {
    const buffer = this.convention === "keras" ? "momentum" : "momentumBuffer";
    return ["squareAvg", ...(this.centered ? ["gradAvg"] : []), ...(this.momentum > 0 ? [buffer] : [])];
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { rho: this.rho, epsilon: this.epsilon, momentum: this.momentum, centered: this.centered, weightDecay: this.weightDecay, convention: this.convention };
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const { rho, epsilon, momentum, centered, weightDecay, convention } = this;
    const { weight: w, ...slots } = rmspropUpdate(weight, grad, entry.slots, { learningRate, rho, epsilon, momentum, centered, weightDecay, convention });
    return { weight: w, slots: slots as Record<string, FloatArray> };
  }
}
