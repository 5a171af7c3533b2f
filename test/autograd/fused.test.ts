// Fused ops against their unfused compositions: same values, same gradients, same second order.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { maxError } from "../helpers/reference.js";

const normal = (shape: number[], seed: number) => gt.randomNormal(shape, { seed, dtype: "float64" });
const ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh"] as const;
const unfused = (name: (typeof ACTIVATIONS)[number]) => (z: gt.Tensor) => (name === "linear" ? z : z[name]());

describe("fused.matMul", () => {
  for (const activation of ACTIVATIONS) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${activation}, transposeA=${ta}, transposeB=${tb}: values and gradients`, () => {
        const a = normal(ta ? [4, 3] : [3, 4], 1);
        const b = normal(tb ? [5, 4] : [4, 5], 2);
        const bias = normal([5], 3);
        const fusedOut = gt.fused.matMul({ a, b, bias, activation, transposeA: ta, transposeB: tb });
        const plain = unfused(activation)(gt.matmul(a, b, ta, tb).add(bias));
        expect(maxError(fusedOut.data(), plain.data())).toBeLessThan(1e-14);
        const r = gt.checkGradients((x, w, c) => gt.fused.matMul({ a: x, b: w, bias: c, activation, transposeA: ta, transposeB: tb }), [a, b, bias]);
        expect(r.maxRelativeError).toBeLessThan(1e-7);
      });
    }
  }
  it("without bias, and with a [1, n] bias", () => {
    const a = normal([3, 4], 4);
    const b = normal([4, 2], 5);
    expect(gt.checkGradients((x, w) => gt.fused.matMul({ a: x, b: w, activation: "tanh" }), [a, b]).maxRelativeError).toBeLessThan(1e-7);
    expect(gt.checkGradients((x, w, c) => gt.fused.matMul({ a: x, b: w, bias: c }), [a, b, normal([1, 2], 6)]).maxRelativeError).toBeLessThan(1e-7);
  });
  it("second order matches the unfused composition", () => {
    const a = normal([3, 4], 7);
    const b = normal([4, 2], 8);
    const gradNorm = (f: (w: gt.Tensor) => gt.Tensor) => (w: gt.Tensor) => {
      const inner = new gt.GradientTape();
      inner.watch(w);
      const loss = inner.record(() => f(w).sum());
      return inner.gradient(loss, w).square().sum();
    };
    const viaFused = gt.checkGradients(gradNorm((w) => gt.fused.matMul({ a, b: w, activation: "sigmoid" })), [b]);
    const viaOps = gt.checkGradients(gradNorm((w) => gt.matmul(a, w).sigmoid()), [b]);
    expect(viaFused.maxRelativeError).toBeLessThan(1e-7);
    expect(maxError(viaFused.analytic[0].data(), viaOps.analytic[0].data())).toBeLessThan(1e-12);
  });
  it("errors name the shapes and the activation", () => {
    expect(() => gt.fused.matMul({ a: gt.zeros([2, 3]), b: gt.zeros([3, 4]), bias: gt.zeros([3]) })).toThrow("fused.matMul: bias must be float32 of shape [4] (one value per output column of the [2, 4] product)");
    expect(() => gt.fused.matMul({ a: gt.zeros([2, 3]), b: gt.zeros([2, 4]) })).toThrow("fused.matMul: inner dimensions differ: a is [2, 3], b is [2, 4]");
    expect(() => gt.fused.matMul({ a: gt.zeros([2, 3]), b: gt.zeros([3, 4]), activation: "softmax" as "relu" })).toThrow('fused.matMul: unknown activation "softmax"; known: linear, relu, sigmoid, tanh');
  });
});

describe("fused sparse softmax cross-entropy (fromLogits)", () => {
  it("is one op on the tape, not the seven of the composition", () => {
    const labels = gt.tensor([2, 0], undefined, "int32");
    const logits = normal([2, 3], 10);
    const tape = new gt.GradientTape();
    tape.watch(logits);
    tape.record(() => gt.losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true }));
    const ops = (tape as unknown as { nodes: { op: string }[] }).nodes.map((n) => n.op);
    expect(ops).toEqual(["sparseSoftmaxCrossentropy"]);
  });
  it("equals the composition mean(−sum(oneHot · logSoftmax)) in value, gradient and second order", () => {
    const labels = gt.tensor([2, 0, 1, 1], undefined, "int32");
    const logits = normal([4, 3], 9);
    const composed = (x: gt.Tensor) => gt.mean(gt.neg(gt.sum(gt.mul(gt.oneHot(labels, 3).cast("float64"), gt.logSoftmax(x)), -1)));
    const fusedLoss = (x: gt.Tensor) => gt.losses.sparseCategoricalCrossentropy(labels, x, { fromLogits: true });
    expect(fusedLoss(logits).item()).toBeCloseTo(composed(logits).item(), 14);
    const hess = (f: (x: gt.Tensor) => gt.Tensor) => (x: gt.Tensor) => {
      const inner = new gt.GradientTape();
      inner.watch(x);
      const l = inner.record(() => f(x));
      return inner.gradient(l, x).square().sum();
    };
    const a = gt.checkGradients(hess(fusedLoss), [logits]);
    const b = gt.checkGradients(hess(composed), [logits]);
    expect(a.maxRelativeError).toBeLessThan(1e-7);
    expect(maxError(a.analytic[0].data(), b.analytic[0].data())).toBeLessThan(1e-12);
  });
});
