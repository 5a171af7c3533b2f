/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum, dampening and weight
 * decay: the article's optimizer, with PyTorch's semantics.
 * @module
 */
import { getBackend } from "../kernels/backend.js";
import { sgdMomentumF32 } from "../kernels/wasm/index.js";
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { checkBoolean, checkNumber, checkOptionNames, nonNegative } from "./options.js";
import { allocateLike, checkLengths, type FloatArray, type SlotEntry } from "./state.js";

/** Below this many float32 weights the copies into WebAssembly memory cost more than its SIMD saves. */
const WASM_MIN_ELEMENTS = 1024;

/** The hyperparameters of one {@link sgdUpdate}. */
export interface SGDHyperparameters {
  /** The step size `lr` of this update. */
  learningRate: number;
  /** The momentum factor `m` (0: plain SGD). */
  momentum: number;
  /** The fraction of the gradient left out of the velocity, from the second step on. */
  dampening: number;
  /** Whether to step along `g + m·v` instead of `v`. */
  nesterov: boolean;
  /** The coupled L2 factor: `weightDecay·w` is added to the gradient. */
  weightDecay: number;
}

/**
 * One SGD step for one weight array, as a pure function: it returns new arrays and writes into
 * none of its arguments.
 *
 * With `g ← grad + weightDecay·w` (coupled L2, as PyTorch):
 * - momentum 0: `w ← w − lr·g`
 * - momentum m: `v ← m·v + (1 − dampening)·g` (on the first step, `v ← g`); `w ← w − lr·v`
 * - nesterov: the same `v`, then `w ← w − lr·(g + m·v)`
 *
 * Keras writes momentum as `v ← m·v − lr·g; w ← w + v`: the same steps while the learning rate is
 * constant, different once a schedule changes it, because Keras' velocity has the old rates baked
 * in. Keras 3 also decouples weight decay (`w ← w − lr·wd·w` beside the step) rather than adding it
 * to the gradient.
 *
 * @param weight - the current values of the variable.
 * @param grad - its gradient, as many elements.
 * @param velocity - the velocity from the previous step, or undefined before the first.
 * @param hp - the hyperparameters; `momentum` 0 ignores `velocity` and returns none.
 * @returns the new weight, and the new velocity (undefined when momentum is 0).
 * @throws Error when the arrays' lengths differ.
 * @example
 * ```ts
 * const hp = { learningRate: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 };
 * let s = gt.optim.sgdUpdate(new Float64Array([1]), new Float64Array([1]), undefined, hp); // w 0.9, v 1
 * s = gt.optim.sgdUpdate(s.weight, s.weight, s.velocity, hp);                              // w 0.72, v 1.8
 * ```
 */
export function sgdUpdate(weight: FloatArray, grad: FloatArray, velocity: FloatArray | undefined, hp: SGDHyperparameters): {
  /** The new weight. */
  weight: FloatArray;
  /** The new velocity (undefined when momentum is 0). */
  velocity: FloatArray | undefined;
} {
  checkLengths("sgdUpdate", weight, grad, { velocity });
  const { learningRate: lr, momentum: m, dampening, nesterov, weightDecay: wd } = hp;
  const n = weight.length;
  // Large float32 momentum steps run in WebAssembly SIMD, with the same bits as the loop below.
  if (m !== 0 && weight instanceof Float32Array && grad instanceof Float32Array && (velocity === undefined || velocity instanceof Float32Array)
    && n >= WASM_MIN_ELEMENTS && getBackend() === "wasm") {
    return sgdMomentumF32(weight, grad, velocity, lr, m, 1 - dampening, wd, nesterov);
  }
  const w = allocateLike(weight);
  if (m === 0) {
    for (let i = 0; i < n; i++) w[i] = weight[i] - lr * (grad[i] + wd * weight[i]);
    return { weight: w, velocity: undefined };
  }
  const keep = 1 - dampening;
  const v = allocateLike(weight);
  for (let i = 0; i < n; i++) {
    const g = grad[i] + wd * weight[i];
    v[i] = velocity === undefined ? g : m * velocity[i] + keep * g;
    // Read back the stored velocity, so float32 steps use the value the next step will see.
    const vi = v[i];
    w[i] = weight[i] - lr * (nesterov ? g + m * vi : vi);
  }
  return { weight: w, velocity: v };
}

/** Options of {@link SGD}. */
export interface SGDOptions extends OptimizerOptions {
  /** Step size, or a schedule (default 0.01). */
  learningRate?: OptimizerOptions["learningRate"];
  /** Momentum factor m >= 0 (default 0: plain SGD). */
  momentum?: number;
  /** Use Nesterov momentum; needs momentum > 0 and dampening 0 (default false). */
  nesterov?: boolean;
  /** Fraction in [0, 1] of the gradient left out of the velocity from the second step on (default 0). */
  dampening?: number;
  /** Coupled L2 penalty: `weightDecay·w` is added to the gradient (default 0). */
  weightDecay?: number;
}

/** What {@link SGD.getConfig} returns. */
export interface SGDConfig extends OptimizerConfig {
  /** The momentum factor. */
  momentum: number;
  /** Whether the step uses Nesterov momentum. */
  nesterov: boolean;
  /** The dampening. */
  dampening: number;
  /** The coupled L2 weight decay. */
  weightDecay: number;
}

const SGD_OPTIONS = [...BASE_OPTIONS, "momentum", "nesterov", "dampening", "weightDecay"];

/**
 * Stochastic gradient descent, optionally with momentum (PyTorch's formulation, as in the
 * article): see {@link sgdUpdate} for the formulas and how Keras differs.
 *
 * The velocity is a slot named `velocity`, kept per variable when momentum > 0.
 *
 * @throws Error, in PyTorch's style, for a learning rate that is negative or not finite, negative
 * momentum, dampening outside [0, 1], Nesterov without momentum or with dampening, negative weight
 * decay, invalid clipping, or an unknown option name (`lr`, `learning_rate`, … list the known ones).
 * @example
 * ```ts
 * const opt = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
 * const tape = new gt.GradientTape();
 * const loss = tape.record(() => w.square().mul(0.5).sum());
 * opt.applyGradients(gt.zip(tape.gradient(loss, [w]), [w]));
 * ```
 */
export class SGD extends Optimizer {
  /** The momentum factor. */
  readonly momentum: number;
  /** Whether the step uses Nesterov momentum. */
  readonly nesterov: boolean;
  /** The dampening of the gradient's share in the velocity. */
  readonly dampening: number;
  /** The coupled L2 weight decay. */
  readonly weightDecay: number;

  constructor(options: SGDOptions = {}) {
    super("SGD", checkOptionNames("SGD", options, SGD_OPTIONS), 0.01);
    const o = options as Record<string, unknown>;
    this.momentum = nonNegative("SGD", "momentum", o.momentum ?? 0);
    this.dampening = checkNumber("SGD", "dampening", o.dampening ?? 0, (d) => d >= 0 && d <= 1, "in [0, 1]");
    this.nesterov = checkBoolean("SGD", "nesterov", o.nesterov ?? false);
    this.weightDecay = nonNegative("SGD", "weight decay", o.weightDecay ?? 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error(`SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`);
    }
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): SGDConfig {
    return super.getConfig() as SGDConfig;
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? ["velocity"] : [];
  }

  protected hyperparameters(): Record<string, number | boolean> {
    return { momentum: this.momentum, nesterov: this.nesterov, dampening: this.dampening, weightDecay: this.weightDecay };
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const r = sgdUpdate(weight, grad, entry.slots.velocity, { learningRate, momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay });
    return { weight: r.weight, slots: r.velocity === undefined ? {} : { velocity: r.velocity } };
  }
}
