/**
 * The optimizer's per-variable state (slots such as velocity) and its plain, serializable form
 * for checkpoints: slots by variable name, values as typed arrays, plus the update count.
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { fmt, sizeOf } from "../tensor/shape.js";
import { checkBoolean, checkConvention, checkNumber, checkOptionNames } from "./options.js";

/** The typed arrays behind float tensors, on which updates run. */
export type FloatArray = Float32Array | Float64Array;

/** The slots of one variable by slot name (`velocity`, `m`, `v`, …), each the variable's size. */
export type Slots = Readonly<Record<string, FloatArray>>;

/** What an optimizer keeps for one variable. */
export interface SlotEntry {
  /** Updates applied to this variable so far (Adam's bias correction counts them per variable, as PyTorch). */
  step: number;
  /** The variable's slots by name, such as `velocity`. */
  slots: Slots;
}

/** One variable's entry in {@link OptimizerState}. */
export interface VariableState {
  /** The variable's shape, checked when the state is restored. */
  shape: number[];
  /** The variable's dtype; the slot arrays have the matching type. */
  dtype: "float32" | "float64";
  /** Updates applied to this variable so far. */
  step: number;
  /** Slot values by slot name, row-major, one element per element of the variable. */
  slots: Record<string, FloatArray>;
}

/**
 * An optimizer's state as plain data, for checkpoints: the updates applied, and each variable's
 * slots by variable name. Typed arrays are copies that the caller owns.
 */
export interface OptimizerState {
  /** The class that wrote it (`"SGD"`, `"Adam"`, `"RMSprop"`); restoring into another class throws. */
  optimizer: string;
  /** Updates applied (`optimizer.iterations`). */
  iterations: number;
  /** Per-variable state, keyed by `variable.name`. */
  variables: Record<string, VariableState>;
}

/**
 * @internal A deep copy of a slot entry as a {@link VariableState}. `read` gives a slot's current
 * values (an optimizer that keeps a slot elsewhere, such as SGD's velocity in WebAssembly memory,
 * copies it out there).
 */
export function exportEntry(entry: SlotEntry, shape: readonly number[], dtype: "float32" | "float64", read: (slot: FloatArray) => FloatArray = (s) => s.slice()): VariableState {
  const slots: Record<string, FloatArray> = {};
  for (const [k, v] of Object.entries(entry.slots)) slots[k] = read(v);
  return { shape: shape.slice(), dtype, step: entry.step, slots };
}

/** @internal A deep copy of a {@link VariableState} as a slot entry. */
export function importEntry(state: VariableState): SlotEntry {
  const slots: Record<string, FloatArray> = {};
  for (const [k, v] of Object.entries(state.slots)) slots[k] = v.slice();
  return { step: state.step, slots };
}

const isIndex = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;

/**
 * @internal Checks the form of a state before anything is restored from it: the optimizer class,
 * the counts, and every slot's name, type and length.
 * @throws Error saying which entry is wrong and what was expected.
 */
export function checkStateForm(where: string, state: unknown, optimizer: string, slotNames: readonly string[]): OptimizerState {
  if (state === null || typeof state !== "object") throw new Error(`${where}: expected a state object from getState(), got ${describe(state)}`);
  const s = state as Partial<OptimizerState>;
  if (s.optimizer !== optimizer) {
    throw new Error(`${where}: the state was saved by ${typeof s.optimizer === "string" ? s.optimizer : `an unknown optimizer (${describe(s.optimizer)})`}, not by ${optimizer}; restore it into the optimizer class that saved it`);
  }
  if (!isIndex(s.iterations)) throw new Error(`${where}: state.iterations must be a non-negative integer, got ${describe(s.iterations)}`);
  if (s.variables === null || typeof s.variables !== "object") throw new Error(`${where}: state.variables must be an object keyed by variable name, got ${describe(s.variables)}`);
  for (const [name, entry] of Object.entries(s.variables)) {
    const at = `${where}: state for variable '${name}'`;
    if (entry === null || typeof entry !== "object") throw new Error(`${at} must be an object, got ${describe(entry)}`);
    const { shape, dtype, step, slots } = entry as Partial<VariableState>;
    if (!Array.isArray(shape) || !shape.every(isIndex)) throw new Error(`${at}: shape must be an array of non-negative integers, got ${describe(shape)}`);
    if (dtype !== "float32" && dtype !== "float64") throw new Error(`${at}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
    if (!isIndex(step)) throw new Error(`${at}: step must be a non-negative integer, got ${describe(step)}`);
    if (slots === null || typeof slots !== "object") throw new Error(`${at}: slots must be an object of typed arrays, got ${describe(slots)}`);
    const ArrayType = dtype === "float32" ? Float32Array : Float64Array;
    for (const [slot, values] of Object.entries(slots)) {
      if (!slotNames.includes(slot)) {
        throw new Error(`${at}: unknown slot '${slot}'; ${optimizer} keeps ${slotNames.length === 0 ? "no slots with these options" : slotNames.map((n) => `'${n}'`).join(", ")}`);
      }
      if (!(values instanceof ArrayType)) throw new Error(`${at}: slot '${slot}' must be a ${ArrayType.name} for a ${dtype} variable, got ${describe(values)}`);
      if (values.length !== sizeOf(shape)) {
        throw new Error(`${at}: slot '${slot}' has ${values.length} values but shape ${fmt(shape)} needs ${sizeOf(shape)}`);
      }
    }
  }
  return s as OptimizerState;
}

/** @internal A deep copy of a {@link VariableState}. */
export function copyVariableState(state: VariableState): VariableState {
  return { ...importEntry(state), shape: state.shape.slice(), dtype: state.dtype };
}

/** @internal A zero-filled array of the same type and length as `like`. */
export function allocateLike(like: FloatArray): FloatArray {
  return like instanceof Float64Array ? new Float64Array(like.length) : new Float32Array(like.length);
}

/** How an update function's hyperparameter is checked: a finite number, a boolean, or a {@link Convention}. */
export type HyperparameterKind = "number" | "boolean" | "convention";

const isFloatArray = (a: unknown): a is FloatArray => a instanceof Float32Array || a instanceof Float64Array;

/**
 * @internal Checks an update function's arguments once per call, before its loop: the pure update
 * functions are public and may be called with arrays that do not belong together or with a
 * misspelt hyperparameter. The weight and gradient are float typed arrays of one length, every
 * given slot too, and `hp` holds each hyperparameter in `hyper` (`convention` may be left out).
 * @throws Error naming `where`, the argument and what was wrong.
 */
export function checkUpdate(where: string, weight: unknown, grad: unknown, slots: Readonly<Record<string, unknown>>, hp: unknown, hyper: Readonly<Record<string, HyperparameterKind>>): void {
  if (!isFloatArray(weight)) throw new Error(`${where}: weight must be a Float32Array or a Float64Array, got ${describe(weight)}`);
  if (!isFloatArray(grad)) throw new Error(`${where}: grad must be a Float32Array or a Float64Array, got ${describe(grad)}`);
  if (grad.length !== weight.length) throw new Error(`${where}: the gradient has ${grad.length} elements but the weight has ${weight.length}`);
  for (const [name, s] of Object.entries(slots)) {
    if (s === undefined) continue;
    if (!isFloatArray(s)) throw new Error(`${where}: slot '${name}' must be a Float32Array or a Float64Array (or undefined before the first step), got ${describe(s)}`);
    if (s.length !== weight.length) throw new Error(`${where}: slot '${name}' has ${s.length} elements but the weight has ${weight.length}`);
  }
  const names = Object.keys(hyper);
  if (hp === null || typeof hp !== "object" || Array.isArray(hp) || ArrayBuffer.isView(hp)) {
    throw new Error(`${where}: hp must be an object of hyperparameters { ${names.join(", ")} }, got ${describe(hp)}`);
  }
  const h = checkOptionNames(`${where}: hp`, hp, names);
  for (const name of names) {
    const kind = hyper[name];
    if (kind === "number") checkNumber(where, `hp.${name}`, h[name], () => true, "");
    else if (kind === "boolean") checkBoolean(where, `hp.${name}`, h[name]);
    else checkConvention(where, h[name]);
  }
}

/**
 * @internal The slots argument of an update function as a record: an object whose entries are
 * checked by {@link checkUpdate}.
 * @throws Error naming `where` when `slots` is not an object.
 */
export function slotRecord(where: string, slots: unknown, names: readonly string[]): Readonly<Record<string, unknown>> {
  if (slots === null || typeof slots !== "object" || Array.isArray(slots) || ArrayBuffer.isView(slots)) {
    throw new Error(`${where}: slots must be an object { ${names.join(", ")} } of typed arrays, each left out before the first step ({} then), got ${describe(slots)}`);
  }
  const s = slots as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, s[n]]));
}

/** @internal Throws unless `step`, the updates already applied, is a non-negative integer. */
export function checkStep(where: string, step: unknown): void {
  if (!isIndex(step)) throw new Error(`${where}: step must be the number of updates already applied, a non-negative integer, got ${describe(step)}`);
}
