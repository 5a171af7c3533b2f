/**
 * Checking plain arguments (numbers, booleans, strings) at a public entry, with messages that name
 * the function, the argument and the value: `formatTick: step must be a finite number > 0, got NaN`.
 * @module
 */
import { describe } from "../tensor/tensor.js";

/**
 * @internal A finite number (satisfying `ok`, stated as `rule`, when given), else an error naming
 * `where` and `arg`.
 */
export function finiteNumber(where: string, arg: string, value: unknown, ok?: (v: number) => boolean, rule?: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || (ok !== undefined && !ok(value))) {
    throw new Error(`${where}: ${arg} must be a finite number${rule === undefined ? "" : ` ${rule}`}, got ${describe(value)}`);
  }
  return value;
}

/** @internal A boolean, else an error naming `where` and `arg`. */
export function booleanArg(where: string, arg: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new Error(`${where}: ${arg} must be true or false, got ${describe(value)}`);
  return value;
}

/** @internal A string, else an error naming `where` and `arg`. */
export function stringArg(where: string, arg: string, value: unknown): string {
  if (typeof value !== "string") throw new Error(`${where}: ${arg} must be a string, got ${describe(value)}`);
  return value;
}

/** @internal An array or typed array of numbers (not checked one by one: that is the caller's loop), else an error. */
export function numberList(where: string, arg: string, value: unknown): ArrayLike<number> {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    throw new Error(`${where}: ${arg} must be an array or a typed array of numbers, got ${describe(value)}`);
  }
  return value as ArrayLike<number>;
}

/**
 * @internal Refuses `new` on an abstract class itself: TypeScript's `abstract` is gone at run
 * time, and the missing methods would fail later with a bare TypeError. `instead` says what to use.
 */
export function refuseAbstract(newTarget: unknown, abstractClass: { name: string }, instead: string): void {
  if (newTarget === abstractClass) throw new Error(`${abstractClass.name}: the class is abstract; ${instead}`);
}
