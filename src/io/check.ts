/**
 * `ModelFormatError` and the small checks that validate a manifest field by field, each naming
 * the field's path (`manifest.weights[2].shape`) and what was expected there.
 * @module
 */
import { describe } from "../tensor/tensor.js";

/**
 * Thrown when a saved model or checkpoint cannot be loaded: an unknown format or version, a
 * missing or truncated weights file, a byte range outside the file, a checksum that does not
 * match, malformed JSON, or weights that do not fit the architecture. The message says which and
 * where; `file` names the file when there is one.
 * @example
 * ```ts
 * try { gt.loadModel("models/mnist"); } catch (e) {
 *   if (e instanceof gt.ModelFormatError) console.error(e.message);
 * }
 * ```
 */
export class ModelFormatError extends Error {
  /** The file at fault (the manifest or the weights file), when loading from a folder. */
  readonly file: string | undefined;

  /**
   * @param message - what is wrong and where.
   * @param file - the file at fault, if any.
   */
  constructor(message: string, file?: string) {
    super(message);
    this.name = "ModelFormatError";
    this.file = file;
  }
}

/** @internal Throws a {@link ModelFormatError} saying that `path` holds `value` where `expected` was wanted. */
export function bad(where: string, path: string, expected: string, value: unknown): never {
  throw new ModelFormatError(`${where}: ${path} must be ${expected}, got ${show(value)}`);
}

/** @internal A value for a message: short JSON for plain data, else a description. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return describe(value);
}

/** @internal Checks that `value` is a plain object whose keys are all in `required` or `optional`. */
export function record(where: string, path: string, value: unknown, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) bad(where, path, "an object", value);
  const o = value as Record<string, unknown>;
  for (const key of required) if (!Object.hasOwn(o, key)) throw new ModelFormatError(`${where}: ${path} has no '${key}' field`);
  for (const key of Object.keys(o)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw new ModelFormatError(`${where}: ${path} has an unknown field ${JSON.stringify(key)}; known fields: ${[...required, ...optional].join(", ")}`);
    }
  }
  return o;
}

/** @internal An array. */
export function list(where: string, path: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) bad(where, path, "an array", value);
  return value;
}

/** @internal An integer in `[min, max]`. */
export function integer(where: string, path: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    bad(where, path, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** @internal A string. */
export function string(where: string, path: string, value: unknown): string {
  if (typeof value !== "string") bad(where, path, "a string", value);
  return value;
}

/** @internal A shape: an array of non-negative integers. */
export function shape(where: string, path: string, value: unknown): number[] {
  return list(where, path, value).map((d, i) => integer(where, `${path}[${i}]`, d));
}

/** @internal A plain object with any keys. */
export function object(where: string, path: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) bad(where, path, "an object", value);
  return value as Record<string, unknown>;
}
