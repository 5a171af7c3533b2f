// Property-based gradient checks (fast-check, fixed seeds): random shapes for broadcasting binary
// ops, reductions over random axes and softmax along a random axis; every gradient must match
// central finite differences in float64.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const RUNS = { broadcast: 400, reductions: 300, softmax: 100 };
const TOLERANCE = 1e-6;

const dim = fc.integer({ min: 1, max: 3 });

/** A shape of rank 0–3, and two shapes that broadcast to it: leading axes dropped, some axes 1. */
const broadcastShapes = fc.array(dim, { maxLength: 3 }).chain((shape) => {
  const variant = fc
    .tuple(fc.integer({ min: 0, max: shape.length }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
    .map(([drop, ones]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
  return fc.tuple(variant, variant);
});

/** Binary ops, each kept where its gradient is smooth: a denominator away from 0, a positive base. */
const BINARY: Record<string, (a: gt.Tensor, b: gt.Tensor) => gt.Tensor> = {
  add: (a, b) => gt.add(a, b),
  sub: (a, b) => gt.sub(a, b),
  mul: (a, b) => gt.mul(a, b),
  div: (a, b) => gt.div(a, gt.add(gt.square(b), 0.5)),
  maximum: (a, b) => gt.maximum(a, b),
  minimum: (a, b) => gt.minimum(a, b),
  pow: (a, b) => gt.pow(gt.add(gt.abs(a), 0.5), b),
  "squaredDifference (composed)": (a, b) => gt.square(gt.sub(a, b)),
};

const seed = fc.integer({ min: 0, max: 1_000_000 });
const normal = (shape: number[], s: number) => gt.randomNormal(shape, { seed: s, dtype: "float64" });

describe("gradients match finite differences on random shapes", () => {
  it(`broadcasting binary ops (${RUNS.broadcast} cases)`, () => {
    fc.assert(
      fc.property(broadcastShapes, fc.constantFrom(...Object.keys(BINARY)), seed, ([sa, sb], op, s) => {
        const a = normal(sa, s);
        const b = normal(sb, s + 1);
        const result = gt.checkGradients((x, y) => BINARY[op](x, y), [a, b]);
        expect(result.analytic.map((g) => g.shape)).toEqual([sa, sb]);
        expect(result.maxRelativeError).toBeLessThan(TOLERANCE);
      }),
      { seed: 20251125, numRuns: RUNS.broadcast },
    );
  });

  it(`reductions over random axes, with and without keepDims (${RUNS.reductions} cases)`, () => {
    const reduction = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.option(fc.subarray(shape.map((_, i) => i), { minLength: 1 }).chain((axes) => fc.constantFrom(axes, axes.map((a) => a - shape.length)))),
        fc.boolean(),
        fc.constantFrom("sum", "mean", "max", "min"),
      ),
    );
    fc.assert(
      fc.property(reduction, seed, ([shape, axes, keepDims, op], s) => {
        const x = normal(shape, s);
        const axis = axes ?? undefined;
        const f = (t: gt.Tensor) => gt[op as "sum"](t, axis, keepDims);
        const y = f(x);
        const reduced = axis === undefined ? shape.map((_, i) => i) : axis.map((a) => (a < 0 ? a + shape.length : a));
        expect(y.shape).toEqual(keepDims ? shape.map((d, i) => (reduced.includes(i) ? 1 : d)) : shape.filter((_, i) => !reduced.includes(i)));
        expect(gt.checkGradients(f, [x]).maxRelativeError).toBeLessThan(TOLERANCE);
      }),
      { seed: 20251126, numRuns: RUNS.reductions },
    );
  });

  it(`softmax and logSoftmax along a random axis (${RUNS.softmax} cases)`, () => {
    const shapeAndAxis = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.constantFrom("softmax", "logSoftmax")),
    );
    fc.assert(
      fc.property(shapeAndAxis, seed, ([shape, axis, op], s) => {
        const f = (t: gt.Tensor) => gt[op as "softmax"](t, axis);
        expect(gt.checkGradients(f, [normal(shape, s)]).maxRelativeError).toBeLessThan(TOLERANCE);
      }),
      { seed: 20251127, numRuns: RUNS.softmax },
    );
  });
});
