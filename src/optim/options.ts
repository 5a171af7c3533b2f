/**
 * Checking the options of optimizers and schedules: names first (so that `lr` or
 * `learning_rate` from PyTorch or Keras habits fails loudly instead of being ignored), then
 * values, with messages in PyTorch's style: `SGD: invalid learning rate: -1 (must be a finite
 * number >= 0)`.
 * @module
 */
import { describe } from "../tensor/tensor.js";

/** Names from other libraries that differ from ours by more than case and underscores. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  lr: ["learningRate"],
  eps: ["epsilon"],
  betas: ["beta1", "beta2"],
  alpha: ["rho"], // PyTorch's RMSprop calls the decay rate alpha
  decay: ["weightDecay"],
};

const normalize = (name: string): string => name.toLowerCase().replace(/_/g, "");

/**
 * @internal Throws unless `options` is undefined or a plain object whose keys are all in `known`.
 * The message lists the known names and suggests the likely one.
 * @returns the options as a record (empty when undefined).
 */
export function checkOptionNames(where: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new Error(`${where}: options must be an object such as { ${known[0]}: ... }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestions = (Object.hasOwn(ALIASES, key) ? ALIASES[key] : known.filter((k) => normalize(k) === normalize(key))).filter((k) => known.includes(k));
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `'${s}'`).join(" and ")}?)` : "";
    throw new Error(`${where}: unknown option '${key}'${hint}; known options: ${known.join(", ")}`);
  }
  return options as Record<string, unknown>;
}

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

/** @internal A boolean. */
export function checkBoolean(where: string, label: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new Error(`${where}: invalid ${label}: ${show(value)} (must be true or false)`);
  return value;
}
