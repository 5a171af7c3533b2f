/**
 * Checking option names, shared by every constructor and function that takes an options object:
 * a misspelt or foreign name (`lr`, `learning_rate`, `input_shape`) fails loudly, with the known
 * names and the likely one, instead of being ignored.
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

/**
 * @internal The option names of an options interface, listed once as `{ name: true, ... }`: the
 * compiler checks that the list names every option of `T` and nothing else, so adding an option
 * to the interface without adding it here fails the typecheck instead of being rejected at run time.
 */
export function optionNames<T extends object>(names: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(names);
}

/**
 * @internal {@link checkOptionNames} for a function whose options are required: a missing options
 * object is named, with `example` showing a call.
 */
export function requiredOptions(where: string, options: unknown, known: readonly string[], example: string): Record<string, unknown> {
  if (options === undefined) throw new Error(`${where}: options are required, e.g. ${example}`);
  return checkOptionNames(where, options, known);
}
