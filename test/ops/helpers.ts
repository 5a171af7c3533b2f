// Shared by the op tests: seeded float64 inputs and a gradient check that also asserts the
// gradient is not trivially zero.
import { expect } from "vitest";
import * as gt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const TOL = 1e-7;
let seed = 100;

/** A seeded standard-normal float64 tensor; every call draws new values. */
export const normal = (shape: number[]): Tensor => gt.randomNormal(shape, { seed: seed++, dtype: "float64" });

/** 0, 1, 2, … (plus `start`) in row-major order, float32. */
export const iota = (shape: number[], start = 0): Tensor =>
  gt.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + start), shape);

/** The tape's gradient of `fn` agrees with central differences, and is not zero everywhere. */
export function expectGradient(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol = TOL): void {
  const r = gt.checkGradients(fn, inputs);
  expect(r.maxRelativeError, JSON.stringify(r.worst)).toBeLessThan(tol);
  expect(r.analytic.some((g) => g.size > 0 && g.abs().max().item() > 1e-3)).toBe(true);
}

/**
 * The gradient of `fn` (summed against fixed weights) as a function of the inputs, for checking
 * second-order gradients: its own gradient is then checked by {@link expectGradient}.
 */
export function firstGradient(fn: (...xs: Tensor[]) => Tensor, which = 0): (...xs: Tensor[]) => Tensor {
  return (...xs: Tensor[]) => {
    const tape = new gt.GradientTape();
    tape.watch(xs);
    const y = tape.record(() => fn(...xs));
    const w = gt.randomNormal(y.shape, { seed: 7, dtype: y.dtype });
    return tape.gradient(y, xs, w)[which];
  };
}
