/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum, dampening and weight
 * decay: the article's optimizer, with PyTorch's semantics.
 * @module
 */
import { getBackend } from "../kernels/backend.js";
import { allocateF32, kernelsFor, sgdMomentumF32, type Kernels } from "../kernels/wasm/index.js";
import { BASE_OPTIONS, Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotUpdate } from "./optimizer.js";
import { scaled } from "./gradients.js";
import { checkBoolean, checkConvention, checkNumber, checkOptionNames, nonNegative, type Convention } from "./options.js";
import { allocateLike, checkUpdate, type FloatArray, type SlotEntry } from "./state.js";

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
  /** The weight decay: coupled L2 (`weightDecay·w` added to the gradient) with PyTorch's convention, decoupled with Keras'. */
  weightDecay: number;
  /** Whose update rule to run (default `'pytorch'`). */
  convention?: Convention;
}

/**
 * One SGD step for one weight array, as a pure function: it returns new arrays and writes into
 * none of its arguments.
 *
 * `convention: 'pytorch'` (the default, `torch.optim.SGD`), with `g ← grad + weightDecay·w`
 * (coupled L2):
 * - momentum 0: `w ← w − lr·g`
 * - momentum m: `v ← m·v + (1 − dampening)·g` (on the first step, `v ← g`); `w ← w − lr·v`
 * - nesterov: the same `v`, then `w ← w − lr·(g + m·v)`
 *
 * `convention: 'keras'` (`keras.optimizers.SGD`), after the decoupled decay `w ← w − lr·wd·w`,
 * with `g` the gradient alone and `v` starting at 0 (there is no dampening):
 * - momentum 0: `w ← w − lr·g`
 * - momentum m: `v ← m·v − lr·g`; `w ← w + v`
 * - nesterov: the same `v`, then `w ← w + m·v − lr·g`
 *
 * While the learning rate is constant the two momentum rules take the same steps (Keras' `v` is
 * `−lr` times PyTorch's); once a schedule changes it they differ, because Keras' velocity keeps
 * the old rates baked in while PyTorch's multiplies the whole velocity by today's.
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
  checkUpdate("sgdUpdate", weight, grad, { velocity }, hp, { learningRate: "number", momentum: "number", dampening: "number", nesterov: "boolean", weightDecay: "number", convention: "convention" });
  if (hp.convention === "keras") return kerasSgdUpdate(weight, grad, velocity, hp);
  const { learningRate: lr, momentum: m, dampening, nesterov, weightDecay: wd } = hp;
  const n = weight.length;
  // Large float32 momentum steps run in WebAssembly SIMD, with the same bits as the loop below.
  if (m !== 0 && weight instanceof Float32Array && grad instanceof Float32Array && (velocity === undefined || velocity instanceof Float32Array)
    && n >= WASM_MIN_ELEMENTS && getBackend() === "wasm") {
    return sgdMomentumF32(weight, grad, velocity, lr, m, 1 - dampening, wd, nesterov);
  }
  const w = newWeight(weight);
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

/**
 * The array a step writes the new weight into: for large float32 weights on the `"wasm"` backend,
 * in WebAssembly memory where it has room, so the next step's products read it in place.
 */
function newWeight(weight: FloatArray): FloatArray {
  return weight instanceof Float32Array && weight.length >= WASM_MIN_ELEMENTS && getBackend() === "wasm" ? allocateF32(weight.length) : allocateLike(weight);
}

/** Keras' rule of {@link sgdUpdate}: the velocity holds `−lr·g` terms, so the rate of each past step stays in it. */
function kerasSgdUpdate(weight: FloatArray, grad: FloatArray, velocity: FloatArray | undefined, hp: SGDHyperparameters): { weight: FloatArray; velocity: FloatArray | undefined } {
  const { learningRate: lr, momentum: m, nesterov, weightDecay: wd } = hp;
  const w0 = wd === 0 ? weight : scaled(weight, 1 - lr * wd);
  const n = weight.length;
  // PyTorch's kernel runs Keras' rule exactly with its learning rate −1 and the gradient's share
  // −lr: v ← m·v − lr·g, w ← w + v (same doubles, same rounding). Nesterov has no such mapping.
  if (m !== 0 && !nesterov && w0 instanceof Float32Array && grad instanceof Float32Array && (velocity === undefined || velocity instanceof Float32Array)
    && n >= WASM_MIN_ELEMENTS && getBackend() === "wasm") {
    return sgdMomentumF32(w0, grad, velocity ?? new Float32Array(n), -1, m, -lr, 0, false);
  }
  const w = newWeight(weight);
  if (m === 0) {
    for (let i = 0; i < n; i++) w[i] = w0[i] - lr * grad[i];
    return { weight: w, velocity: undefined };
  }
  const v = allocateLike(weight);
  for (let i = 0; i < n; i++) {
    v[i] = m * (velocity === undefined ? 0 : velocity[i]) - lr * grad[i];
    // Read back the stored velocity, so float32 steps use the value the next step will see.
    const vi = v[i];
    w[i] = w0[i] + (nesterov ? m * vi - lr * grad[i] : vi);
  }
  return { weight: w, velocity: v };
}

/** A velocity kept in WebAssembly memory: `n` floats at byte offset `ptr` of `kernels`' memory. */
interface ResidentBlock {
  readonly kernels: Kernels;
  readonly ptr: number;
  readonly n: number;
}

/**
 * Returns a velocity block to its kernels once the empty array that stands for it in the
 * optimizer's slots is unreachable: when the optimizer is collected, or `setState` replaced its
 * entries. Freed blocks are reused by size, so memory stays flat without `dispose()`.
 */
const residentBlocks = new FinalizationRegistry<ResidentBlock>((b) => b.kernels.freeResident(b.ptr, b.n));

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
  /** Weight decay (default 0): coupled L2 (`weightDecay·w` added to the gradient) with PyTorch's convention, decoupled (`w ← w − lr·wd·w`) with Keras'. */
  weightDecay?: number;
  /**
   * Whose update rule to run: `'pytorch'` (default) or `'keras'` (see {@link sgdUpdate}). They
   * agree while the learning rate is constant and differ after it changes. Keras' has no dampening.
   */
  convention?: Convention;
}

/** What {@link SGD.getConfig} returns. */
export interface SGDConfig extends OptimizerConfig {
  /** The momentum factor. */
  momentum: number;
  /** Whether the step uses Nesterov momentum. */
  nesterov: boolean;
  /** The dampening. */
  dampening: number;
  /** The weight decay (coupled with PyTorch's convention, decoupled with Keras'). */
  weightDecay: number;
  /** Whose update rule runs. */
  convention: Convention;
}

const SGD_OPTIONS = [...BASE_OPTIONS, "momentum", "nesterov", "dampening", "weightDecay", "convention"];

/**
 * Stochastic gradient descent, optionally with momentum: by default PyTorch's formulation, as in
 * the article, `v ← m·v + g; w ← w − lr·v`; with `convention: 'keras'`, Keras'
 * `v ← m·v − lr·g; w ← w + v`. See {@link sgdUpdate} for every formula.
 *
 * The velocity is a slot kept per variable when momentum > 0: `velocity` with PyTorch's
 * convention, `momentum` (Keras' name) with Keras', so state saved under one convention cannot be
 * restored into the other, where it would mean something else.
 *
 * @throws Error, in PyTorch's style, for a learning rate that is negative or not finite, negative
 * momentum, dampening outside [0, 1], Nesterov without momentum or with dampening, negative weight
 * decay, dampening with Keras' convention, an unknown convention, invalid clipping, or an unknown
 * option name (`lr`, `learning_rate`, … list the known ones).
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
  /** The weight decay (coupled with PyTorch's convention, decoupled with Keras'). */
  readonly weightDecay: number;
  /** Whose update rule runs. */
  readonly convention: Convention;

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
    this.convention = checkConvention("SGD", o.convention);
    if (this.convention === "keras" && this.dampening !== 0) throw new Error(`SGD: dampening is PyTorch's; Keras' convention has none, got dampening ${this.dampening} with convention 'keras'`);
  }

  /** The hyperparameters, as options that rebuild an equal optimizer. */
  override getConfig(): SGDConfig {
    return super.getConfig() as SGDConfig;
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? [this.velocitySlot()] : [];
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { momentum: this.momentum, nesterov: this.nesterov, dampening: this.dampening, weightDecay: this.weightDecay, convention: this.convention };
  }

  /**
   * Velocities kept in WebAssembly memory, by the empty array that stands for each in the slots.
   * Large float32 momentum steps update them in place, so a step copies in only the weight and
   * the gradient and copies out only the new weight (a fresh array: tapes keep the old one).
   */
  private readonly resident = new WeakMap<FloatArray, ResidentBlock>();

  protected override copySlot(slot: FloatArray): FloatArray {
    const b = this.resident.get(slot);
    return b === undefined ? slot.slice() : b.kernels.readResident(b.ptr, b.n);
  }

  protected update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate {
    const slot = this.velocitySlot();
    const { momentum, dampening, nesterov, weightDecay, convention } = this;
    const previous = entry.slots[slot];
    const keras = convention === "keras";
    const w0 = keras && weightDecay !== 0 ? scaled(weight, 1 - learningRate * weightDecay) : weight;
    // The same condition as sgdUpdate's WebAssembly path, so the steps have the same bits (w0 is
    // the weight itself with PyTorch's convention).
    if (momentum !== 0 && !(keras && nesterov) && w0 instanceof Float32Array && grad instanceof Float32Array
      && !(previous instanceof Float64Array) && weight.length >= WASM_MIN_ELEMENTS && getBackend() === "wasm") {
      const { token, block, first } = this.residentVelocity(previous, weight.length, keras);
      const w = keras
        ? block.kernels.sgdMomentumResidentF32(w0, grad, block.ptr, false, -1, momentum, -learningRate, 0, false)
        : block.kernels.sgdMomentumResidentF32(w0, grad, block.ptr, first, learningRate, momentum, 1 - dampening, weightDecay, nesterov);
      return { weight: w, slots: { [slot]: token } };
    }
    const velocity = previous === undefined ? undefined : this.resident.has(previous) ? this.copySlot(previous) : previous;
    const r = sgdUpdate(weight, grad, velocity, { learningRate, momentum, dampening, nesterov, weightDecay, convention });
    return { weight: r.weight, slots: r.velocity === undefined ? {} : { [slot]: r.velocity } };
  }

  /**
   * The resident block for a variable's velocity, and the array that stands for it in the slots:
   * the existing one, or a new block holding `previous` (restored state), zeros (Keras' start) or
   * nothing yet (PyTorch's first step, `first`, which sets v to the gradient).
   */
  private residentVelocity(previous: FloatArray | undefined, n: number, keras: boolean): { token: FloatArray; block: ResidentBlock; first: boolean } {
    const existing = previous === undefined ? undefined : this.resident.get(previous);
    if (previous !== undefined && existing !== undefined) return { token: previous, block: existing, first: false };
    const kernels = kernelsFor("SGD.applyGradients");
    const block = { kernels, ptr: kernels.allocResident("SGD.applyGradients", n), n };
    const token = new Float32Array(0);
    this.resident.set(token, block);
    residentBlocks.register(token, block);
    if (previous !== undefined) kernels.writeResident(block.ptr, previous as Float32Array);
    else if (keras) kernels.writeResident(block.ptr, new Float32Array(n));
    return { token, block, first: previous === undefined && !keras };
  }

  private velocitySlot(): string {
    return this.convention === "keras" ? "momentum" : "velocity";
  }
}
