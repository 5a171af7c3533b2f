/**
 * Checking the options of optimizers and schedules: names first (so that `lr` or
 * `learning_rate` from PyTorch or Keras habits fails loudly instead of being ignored), then
 * values, with messages in PyTorch's style: `SGD: invalid learning rate: -1 (must be a finite
 * number >= 0)`.
 * @module
 */
import { describe } from "../tensor/tensor.js";

export { checkOptionNames } from "../util/options.js";

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : typeof v === "number" ? String(v) : describe(v));

/** @internal A finite number satisfying `ok`, else an error stating `rule`. */
export function checkNumber(where: string, label: string, value: unknown, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`${where}: invalid ${label}: ${show(value)} (must be a finite number${rule === "" ? "" : ` ${rule}`})`);
  }
  return value;
}

/** @internal A finite number >= 0. */
export function nonNegative(where: string, label: string, value: unknown): number {
  return checkNumber(where, label, value, (v) => v >= 0, ">= 0");
}

/** @internal A finite number > 0. */
export function positive(where: string, label: string, value: unknown): number {
  return checkNumber(where, label, value, (v) => v > 0, "> 0");
}

/** @internal A finite number in [0, 1), such as a decay rate β or ρ. */
export function fraction(where: string, label: string, value: unknown): number {
  return checkNumber(where, label, value, (v) => v >= 0 && v < 1, "in [0, 1)");
}

/** @internal A boolean. */
export function checkBoolean(where: string, label: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new Error(`${where}: invalid ${label}: ${show(value)} (must be true or false)`);
  return value;
}

/**
 * Whose update rule an optimizer runs: `'pytorch'` (the default, `torch.optim`'s formulas) or
 * `'keras'` (`keras.optimizers`'). They differ in where the learning rate and ε sit, which matters
 * once the learning rate changes or ε is not negligible.
 */
export type Convention = "pytorch" | "keras";

/** @internal The `convention` option: `'pytorch'` (default) or `'keras'`. */
export function checkConvention(where: string, value: unknown): Convention {
  const c = value ?? "pytorch";
  if (c !== "pytorch" && c !== "keras") throw new Error(`${where}: invalid convention: ${show(c)} (must be 'pytorch' or 'keras')`);
  return c;
}
