/**
 * The `Optimizer` base class: what every optimizer does around its update rule — checking
 * `[gradient, variable]` pairs, the learning rate or schedule, clipping, per-variable slots keyed
 * by the variable, the update count, and state for checkpoints.
 * @module
 */
import { fromValues } from "../tensor/create.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { describe, Tensor, Variable } from "../tensor/tensor.js";
import { clipByGlobalNorm, clipByNorm, clipByValue } from "./gradients.js";
import { positive } from "./options.js";
import type { LearningRateSchedule } from "./schedules.js";
import { refuseAbstract } from "../util/args.js";
import {
  checkStateForm, copyVariableState, exportEntry, importEntry,
  type FloatArray, type OptimizerState, type SlotEntry, type Slots, type VariableState,
} from "./state.js";

/** Options every optimizer accepts. */
export interface OptimizerOptions {
  /** A finite number >= 0, or a schedule `(step) => number` called with the updates already applied (0 first). */
  learningRate?: number | LearningRateSchedule;
  /** Clip each gradient to this L2 norm (Keras' `clipnorm`). At most one of the three clip options. */
  clipNorm?: number;
  /** Clip each gradient element to `[-clipValue, clipValue]` (Keras' `clipvalue`). */
  clipValue?: number;
  /** Scale all gradients together so their joint L2 norm is at most this (Keras' `global_clipnorm`). */
  globalClipNorm?: number;
}

/** @internal The option names {@link Optimizer} itself reads; subclasses add theirs. */
export const BASE_OPTIONS = ["learningRate", "clipNorm", "clipValue", "globalClipNorm"] as const;

/** What {@link Optimizer.getConfig} returns: the options that rebuild an equal optimizer. */
export interface OptimizerConfig {
  /** The learning rate, or the schedule function. */
  learningRate: number | LearningRateSchedule;
  /** Per-gradient L2 clipping, when set. */
  clipNorm?: number;
  /** Per-element clipping, when set. */
  clipValue?: number;
  /** Joint L2 clipping of all gradients, when set. */
  globalClipNorm?: number;
}

/** A `[gradient, variable]` pair; a null gradient means the loss does not depend on the variable. */
export type GradientPair = readonly [Tensor | null | undefined, Variable];

/** What a subclass's update rule returns for one variable. */
export interface SlotUpdate {
  /** The variable's new values. */
  weight: FloatArray;
  /** The variable's new slots, by slot name. */
  slots: Slots;
}

/**
 * The base of every optimizer. A subclass supplies its update rule for one variable; this class
 * does the rest, identically for all of them.
 *
 * Slots (velocity, moment estimates) live in a `Map` keyed by the {@link Variable} itself, so the
 * order of the pairs, or leaving a variable out of a call, never hands one variable's state to
 * another.
 */
export abstract class Optimizer {
  /** The class name, as state and error messages give it (`"SGD"`, `"Adam"`, `"RMSprop"`). */
  readonly name: string;
  private _learningRate: number | LearningRateSchedule;
  private readonly clipNorm: number | undefined;
  private readonly clipValue: number | undefined;
  private readonly globalClipNorm: number | undefined;
  private entries = new Map<Variable, SlotEntry>();
  /** Restored state whose variable has not been seen yet, by variable name (see {@link setState}). */
  private pending = new Map<string, VariableState>();
  private _iterations = 0;

  /**
   * @param name - the class name, for messages and state.
   * @param options - the options, whose names the subclass has already checked.
   * @param defaultLearningRate - the learning rate when `options.learningRate` is absent.
   */
  protected constructor(name: string, options: Readonly<Record<string, unknown>>, defaultLearningRate: number) {
    refuseAbstract(new.target, Optimizer, "use SGD, Adam, RMSprop, … or extend it, implementing update() and slotNames()");
    if (typeof name !== "string" || name === "") throw new Error(`Optimizer: name must be a non-empty string such as 'SGD', got ${describe(name)}`);
    if (options === null || typeof options !== "object") throw new Error(`${name}: options must be an object such as { learningRate: 0.01 }, got ${describe(options)}`);
    this.name = name;
    this._learningRate = checkLearningRate(name, options.learningRate ?? defaultLearningRate);
    const clip = (key: string, label: string): number | undefined => (options[key] === undefined ? undefined : positive(name, label, options[key]));
    this.clipNorm = clip("clipNorm", "clipNorm");
    this.clipValue = clip("clipValue", "clipValue");
    this.globalClipNorm = clip("globalClipNorm", "globalClipNorm");
    const set = BASE_OPTIONS.slice(1).filter((k) => options[k] !== undefined);
    if (set.length > 1) throw new Error(`${name}: only one of clipNorm, clipValue and globalClipNorm can be set, got ${set.join(" and ")}`);
  }

  /** The number of updates applied: calls of {@link applyGradients} that updated at least one variable. */
  get iterations(): number {
    return this._iterations;
  }

  /** The learning rate: a number or a schedule. Setting it (say, from a callback) takes effect at the next update. */
  get learningRate(): number | LearningRateSchedule {
    return this._learningRate;
  }
  /** @throws Error when the value is not a finite number >= 0 or a schedule function. */
  set learningRate(value: number | LearningRateSchedule) {
    this._learningRate = checkLearningRate(this.name, value);
  }

  /**
   * The learning rate the next update will use: the number, or the schedule at {@link iterations}.
   * @throws Error when a schedule returns something other than a finite number >= 0.
   */
  currentLearningRate(): number {
    const lr = this._learningRate;
    if (typeof lr === "number") return lr;
    const value: unknown = lr(this._iterations);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new Error(`${this.name}: the learning-rate schedule returned ${describe(value)} at step ${this._iterations} (must be a finite number >= 0)`);
    }
    return value;
  }

  /**
   * Applies one update to each variable from its gradient, then counts one iteration.
   *
   * Every pair is checked before any variable changes, so an error leaves the weights and slots as
   * they were. A null gradient is skipped (the loss does not depend on that variable); if all are
   * null, as Keras, it is an error naming the variables; no pairs at all change nothing. Gradients are not checked for NaN or
   * infinity here: call `optim.nonFiniteGradients(pairs)` first where a bad batch must not be applied.
   *
   * @param pairs - `[gradient, variable]` pairs, gradient first as in Keras; usually
   * `gt.zip(grads, variables)`.
   * @throws Error when a pair is malformed, every gradient is null, a variable appears twice or is int32, a gradient's
   * shape or dtype differs from its variable's (naming the variable and both), or restored state
   * does not fit its variable.
   * @example
   * ```ts
   * const tape = new gt.GradientTape();
   * const loss = tape.record(() => w.square().sum());
   * opt.applyGradients(gt.zip(tape.gradient(loss, [w]), [w]));
   * ```
   */
  applyGradients(pairs: Iterable<GradientPair>): void {
    const where = `${this.name}.applyGradients`;
    if (pairs === null || typeof pairs !== "object" || typeof (pairs as Iterable<GradientPair>)[Symbol.iterator] !== "function") {
      throw new Error(`${where}: expected an array of [gradient, variable] pairs, got ${describe(pairs)}`);
    }
    const variables: Variable[] = [];
    const grads: FloatArray[] = [];
    const seen = new Set<Variable>();
    const missing: string[] = [];
    let index = 0;
    for (const pair of pairs) {
      const i = index++;
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`${where}: pair ${i} must be a [gradient, variable] array, got ${describe(pair)}`);
      const [g, v] = pair as [unknown, unknown];
      if (!(v instanceof Variable)) {
        const hint = g instanceof Variable && v instanceof Tensor
          ? "; the pairs look reversed: they are [gradient, variable], gradient first, as gt.zip(grads, variables) makes them"
          : "; optimizers update variables made with gt.variable(...)";
        throw new Error(`${where}: the second element of pair ${i} must be a Variable, got ${describe(v)}${hint}`);
      }
      if (seen.has(v)) throw new Error(`${where}: variable '${v.name}' appears in more than one pair; add its gradients together first`);
      seen.add(v);
      if (g === null || g === undefined) {
        missing.push(v.name);
        continue;
      }
      if (!(g instanceof Tensor)) throw new Error(`${where}: the gradient for variable '${v.name}' must be a Tensor or null, got ${describe(g)}`);
      if (v.dtype === "int32") throw new Error(`${where}: variable '${v.name}' is int32; optimizers update float32 and float64 variables`);
      if (!shapesEqual(g.shape, v.shape)) {
        throw new Error(`${where}: the gradient for variable '${v.name}' has shape ${fmt(g.shape)} but the variable has shape ${fmt(v.shape)}`);
      }
      if (g.dtype !== v.dtype) {
        throw new Error(`${where}: the gradient for variable '${v.name}' is ${g.dtype} but the variable is ${v.dtype} (both of shape ${fmt(v.shape)})`);
      }
      variables.push(v);
      grads.push(g.values() as FloatArray);
    }
    if (variables.length === 0) {
      // As Keras: a step in which no variable has a gradient is a loss that depends on none of
      // them (a detached graph, a forgotten watch), not a step to skip in silence.
      if (missing.length > 0) {
        throw new Error(`${where}: no gradients provided for any variable (${missing.map((n) => `'${n}'`).join(", ")}): every gradient is null; does the loss depend on these variables?`);
      }
      return;
    }

    const lr = this.currentLearningRate();
    const clipped = this.clip(grads);
    const entries = variables.map((v) => this.entryFor(v, where));
    const results = variables.map((v, i) => this.update(v.values() as FloatArray, clipped[i], entries[i], lr));
    variables.forEach((v, i) => {
      v.assign(fromValues(results[i].weight, v.shape, v.dtype));
      this.entries.set(v, { step: entries[i].step + 1, slots: results[i].slots });
      this.pending.delete(v.name);
    });
    this._iterations++;
  }

  /**
   * The hyperparameters, as options that rebuild an equal optimizer: `new SGD(sgd.getConfig())`.
   * A schedule is returned as the function (built-in schedules carry their arguments in `.config`).
   */
  getConfig(): OptimizerConfig {
    const config: OptimizerConfig & Record<string, unknown> = { learningRate: this._learningRate, ...this.hyperparameters() };
    if (this.clipNorm !== undefined) config.clipNorm = this.clipNorm;
    if (this.clipValue !== undefined) config.clipValue = this.clipValue;
    if (this.globalClipNorm !== undefined) config.globalClipNorm = this.globalClipNorm;
    return config;
  }

  /**
   * The state as plain data for a checkpoint: {@link iterations} and each variable's slots by
   * variable name, as copies of typed arrays. Restored state not yet claimed by a variable is
   * included, so saving right after {@link setState} loses nothing.
   * @throws Error when two variables with slots share a name, since names key the state.
   * @example
   * ```ts
   * const saved = opt.getState();
   * const resumed = new gt.optim.SGD(opt.getConfig());
   * resumed.setState(saved, model.trainableVariables);
   * ```
   */
  getState(): OptimizerState {
    const list: [string, VariableState][] = [];
    const names = new Set<string>();
    const add = (name: string, state: VariableState): void => {
      if (names.has(name)) throw new Error(`${this.name}.getState: two variables are named '${name}'; the state is keyed by name, so give them distinct names`);
      names.add(name);
      list.push([name, state]);
    };
    for (const [v, entry] of this.entries) add(v.name, exportEntry(entry, v.shape, v.dtype as "float32" | "float64", (slot) => this.copySlot(slot)));
    for (const [name, state] of this.pending) add(name, copyVariableState(state));
    return { optimizer: this.name, iterations: this._iterations, variables: Object.fromEntries(list) };
  }

  /**
   * Restores state from {@link getState}, replacing the current state entirely.
   *
   * Entries are matched to variables by name: to `variables` when given, else to the variables
   * this optimizer has already updated. An entry with no such variable is kept and claimed by the
   * first variable of that name passed to {@link applyGradients}, where its shape is checked.
   *
   * @param state - what {@link getState} returned (possibly after a round trip through a file).
   * @param variables - the variables to restore into, usually `model.trainableVariables`; with it,
   * every entry must find its variable.
   * @throws Error when the state was saved by another optimizer class, is malformed, has a slot
   * this optimizer does not keep, names a variable not among `variables`, or has a shape or dtype
   * that differs from its variable's. Nothing changes when it throws.
   */
  setState(state: OptimizerState, variables?: Iterable<Variable>): void {
    const where = `${this.name}.setState`;
    const s = checkStateForm(where, state, this.name, this.slotNames());
    const candidates = variables === undefined ? [...this.entries.keys()] : Array.from(variables);
    const byName = new Map<string, Variable>();
    candidates.forEach((v, i) => {
      if (!(v instanceof Variable)) throw new Error(`${where}: variables[${i}] is not a Variable: got ${describe(v)}`);
      const other = byName.get(v.name);
      if (other !== undefined && other !== v) throw new Error(`${where}: two variables are named '${v.name}'; the state is keyed by name, so give them distinct names`);
      byName.set(v.name, v);
    });
    const entries = new Map<Variable, SlotEntry>();
    const pending = new Map<string, VariableState>();
    for (const [name, vs] of Object.entries(s.variables)) {
      const v = byName.get(name);
      if (v === undefined) {
        if (variables !== undefined) {
          throw new Error(`${where}: the state has an entry for variable '${name}', but no variable of that name was given (given: ${[...byName.keys()].join(", ") || "none"})`);
        }
        pending.set(name, copyVariableState(vs));
        continue;
      }
      checkFits(where, "the state", vs, v);
      entries.set(v, importEntry(vs));
    }
    this.entries = entries;
    this.pending = pending;
    this._iterations = s.iterations;
  }

  /**
   * A copy of a slot's current values for {@link getState}. A subclass that keeps a slot outside
   * the array it stores in the entry (SGD keeps its velocity in WebAssembly memory) copies it from there.
   */
  protected copySlot(slot: FloatArray): FloatArray {
    return slot.slice();
  }

  /** The names of the slots this optimizer keeps per variable with its options, for checking state. */
  protected abstract slotNames(): readonly string[];

  /** The optimizer's own hyperparameters, for {@link getConfig}. */
  protected abstract hyperparameters(): Record<string, number | boolean | string>;

  /**
   * The update rule for one variable: a pure function of its values, its (clipped) gradient, its
   * slots and the learning rate. It must not write into any of the arrays it is given.
   */
  protected abstract update(weight: FloatArray, grad: FloatArray, entry: SlotEntry, learningRate: number): SlotUpdate;

  private clip(grads: FloatArray[]): FloatArray[] {
    const { clipNorm, clipValue, globalClipNorm } = this;
    if (clipNorm !== undefined) return grads.map((g) => clipByNorm(g, clipNorm));
    if (clipValue !== undefined) return grads.map((g) => clipByValue(g, clipValue));
    if (globalClipNorm !== undefined) return clipByGlobalNorm(grads, globalClipNorm);
    return grads;
  }

  /** The variable's slots: its own, or restored ones waiting under its name, or none yet. */
  private entryFor(v: Variable, where: string): SlotEntry {
    const entry = this.entries.get(v);
    if (entry !== undefined) return entry;
    const restored = this.pending.get(v.name);
    if (restored === undefined) return { step: 0, slots: {} };
    checkFits(where, "the restored state", restored, v);
    return importEntry(restored);
  }
}

function checkFits(where: string, what: string, state: VariableState, v: Variable): void {
  if (!shapesEqual(state.shape, v.shape) || state.dtype !== v.dtype) {
    throw new Error(`${where}: ${what} for variable '${v.name}' has shape ${fmt(state.shape)} (${state.dtype}) but the variable has shape ${fmt(v.shape)} (${v.dtype})`);
  }
}

function checkLearningRate(where: string, value: unknown): number | LearningRateSchedule {
  if (typeof value === "function") return value as LearningRateSchedule;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    const shown = typeof value === "number" ? String(value) : describe(value);
    const rule = typeof value === "number" ? "a finite number >= 0" : "a finite number >= 0, or a schedule (step: number) => number";
    throw new Error(`${where}: invalid learning rate: ${shown} (must be ${rule})`);
  }
  return value;
}
