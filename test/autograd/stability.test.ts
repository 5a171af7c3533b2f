// Logits near ±1000: softmax, logSoftmax and the cross-entropies stay finite and exact, in value
// and in gradient.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe.each(["float32", "float64"] as const)("stability in %s", (dtype) => {
  const logits = gt.tensor([[1000, 0, -1000], [-1000, -1000, -1000], [1000, 1000, 999]], undefined, dtype);
  it("softmax and logSoftmax are finite and exact", () => {
    expect(logits.softmax().toArray()).toEqual([[1, 0, 0], [1 / 3, 1 / 3, 1 / 3].map((v) => (dtype === "float32" ? Math.fround(v) : v)), expect.any(Array)]);
    const row3 = logits.softmax().toArray() as number[][];
    const e = Math.exp(-1);
    expect(row3[2][0]).toBeCloseTo(1 / (2 + e), 6);
    const ls = logits.logSoftmax().toArray() as number[][];
    expect(ls[0]).toEqual([0, -1000, -2000]);
    expect(ls[1][0]).toBeCloseTo(-Math.log(3), 6);
    expect(ls[2][2]).toBeCloseTo(-1 - Math.log(2 + e), 4);
  });
  it("cross-entropies on logits give exact losses and finite gradients", () => {
    const labels = gt.tensor([1, 0, 2], undefined, "int32");
    const w = gt.variable(logits);
    const tape = new gt.GradientTape();
    const loss = tape.record(() => gt.losses.sparseCategoricalCrossentropy(labels, w, { fromLogits: true }));
    // Row losses: 1000, ln 3, 1 + ln(2 + e⁻¹).
    const expected = (1000 + Math.log(3) + 1 + Math.log(2 + Math.exp(-1))) / 3;
    expect(loss.item()).toBeCloseTo(expected, dtype === "float32" ? 3 : 10);
    const g = tape.gradient(loss, w).toArray() as number[][];
    expect(g.flat().every(Number.isFinite)).toBe(true);
    expect(g[0][0]).toBeCloseTo(1 / 3, 6);
    expect(g[0][1]).toBeCloseTo(-1 / 3, 6);

    const onehot = gt.oneHot(labels, 3).cast(dtype);
    expect(gt.losses.categoricalCrossentropy(onehot, logits, { fromLogits: true }).item()).toBeCloseTo(expected, dtype === "float32" ? 3 : 10);

    const z = gt.tensor([[1], [0], [0]], undefined, dtype);
    const x = gt.tensor([[-1000], [-1000], [1000]], undefined, dtype);
    const bce = gt.losses.binaryCrossentropy(z, x, { fromLogits: true });
    expect(bce.item()).toBeCloseTo(2000 / 3, 3);
    const xv = gt.variable(x);
    const t2 = new gt.GradientTape();
    const l2 = t2.record(() => gt.losses.binaryCrossentropy(z, xv, { fromLogits: true }));
    expect((t2.gradient(l2, xv).toArray() as number[][]).flat().map((v) => Math.round(v * 3))).toEqual([-1, 0, 1]);
  });
  it("cross-entropies on saturated probabilities clip instead of producing Infinity", () => {
    const p = gt.tensor([[1, 0]], undefined, dtype);
    const l = gt.losses.sparseCategoricalCrossentropy(gt.tensor([1], undefined, "int32"), p).item();
    expect(l).toBeCloseTo(-Math.log(1e-7), dtype === "float32" ? 2 : 6);
  });
});
