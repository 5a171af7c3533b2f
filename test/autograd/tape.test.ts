// The tape's semantics: hand-built expressions with known gradients, reuse, diamonds,
// persistence, higher order, watching, stopGradient, pruning and result structures.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const f64 = (v: gt.NestedArray) => gt.tensor(v, undefined, "float64");
const arr = (t: gt.Tensor) => Array.from(t.data());

describe("hand-built scalar expressions", () => {
  it("f = (a·b + c)² at a=2, b=3, c=1: value 49, df/da = 42, df/db = 28, df/dc = 14", () => {
    const [a, b, c] = [f64(2), f64(3), f64(1)];
    const tape = new gt.GradientTape();
    tape.watch([a, b, c]);
    const f = tape.record(() => a.mul(b).add(c).square());
    expect(f.item()).toBe(49);
    const [da, db, dc] = tape.gradient(f, [a, b, c]);
    expect([da.item(), db.item(), dc.item()]).toEqual([42, 28, 14]);
  });
  it("a tensor used several times accumulates: f = x·x·x + x at x = 2 has f' = 3x² + 1 = 13", () => {
    const x = f64(2);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const f = tape.record(() => x.mul(x).mul(x).add(x));
    expect(tape.gradient(f, x).item()).toBe(13);
  });
  it("a diamond: u = x + 1, v = 2x, f = u·v at x = 3 has f' = v + 2u = 6 + 8 = 14", () => {
    const x = f64(3);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const f = tape.record(() => {
      const u = x.add(1);
      const v = x.mul(2);
      return u.mul(v);
    });
    expect(f.item()).toBe(24);
    expect(tape.gradient(f, x).item()).toBe(14);
  });
  it("a non-scalar target is differentiated as its sum, or weighted by outputGradient", () => {
    const x = f64([1, 2, 3]);
    const tape = new gt.GradientTape({ persistent: true });
    tape.watch(x);
    const y = tape.record(() => x.square());
    expect(arr(tape.gradient(y, x))).toEqual([2, 4, 6]);
    expect(arr(tape.gradient(y, x, f64([1, 0, -1])))).toEqual([2, 0, -6]);
  });
  it("broadcast inputs get gradients of their own shape: bias of [3] under a [2, 3] sum gets 2s", () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    const b = gt.variable(f64([0, 0, 0]));
    const tape = new gt.GradientTape();
    const y = tape.record(() => x.add(b).sum());
    const g = tape.gradient(y, b);
    expect(g.shape).toEqual([3]);
    expect(arr(g)).toEqual([2, 2, 2]);
  });
});

describe("persistence", () => {
  it("a persistent tape answers twice, with the same numbers", () => {
    const x = f64([1, -2]);
    const tape = new gt.GradientTape({ persistent: true });
    tape.watch(x);
    const y = tape.record(() => x.pow(3).sum());
    const z = tape.record(() => y.mul(2));
    expect(arr(tape.gradient(y, x))).toEqual([3, 12]);
    expect(arr(tape.gradient(z, x))).toEqual([6, 24]);
  });
  it("a non-persistent tape refuses a second gradient call", () => {
    const x = f64(1);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    tape.gradient(y, x);
    expect(() => tape.gradient(y, x)).toThrow(/only once.*persistent: true/);
  });
});

describe("higher-order gradients", () => {
  it("d²/dx² of x³ is 6x", () => {
    for (const v of [-1.5, 0.5, 2, 3]) {
      const x = f64(v);
      const outer = new gt.GradientTape();
      outer.watch(x);
      const dy = outer.record(() => {
        const inner = new gt.GradientTape();
        inner.watch(x);
        const y = inner.record(() => x.pow(3));
        return inner.gradient(y, x);
      });
      expect(dy.item()).toBeCloseTo(3 * v * v, 12);
      expect(outer.gradient(dy, x).item()).toBeCloseTo(6 * v, 12);
    }
  });
  it("the second derivative of tanh is −2·tanh·(1 − tanh²)", () => {
    const x = f64([-2, -0.3, 0.1, 1.7]);
    const outer = new gt.GradientTape();
    outer.watch(x);
    const d1 = outer.record(() => {
      const inner = new gt.GradientTape();
      inner.watch(x);
      const y = inner.record(() => x.tanh());
      return inner.gradient(y, x);
    });
    const d2 = arr(outer.gradient(d1, x));
    arr(x).forEach((v, i) => {
      const t = Math.tanh(v);
      expect(d2[i]).toBeCloseTo(-2 * t * (1 - t * t), 12);
    });
  });
  it("the gradient of a gradient's norm matches finite differences", () => {
    const X = gt.randomNormal([5, 3], { seed: 3, dtype: "float64" });
    const gradNorm = (w: gt.Tensor) => {
      const inner = new gt.GradientTape();
      inner.watch(w);
      const loss = inner.record(() => gt.matmul(X, w).tanh().sum());
      return inner.gradient(loss, w).square().sum();
    };
    const r = gt.checkGradients(gradNorm, [gt.randomNormal([3, 2], { seed: 4, dtype: "float64" })]);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
    expect(r.analytic[0].abs().max().item()).toBeGreaterThan(1e-2);
  });
});

describe("watching, variables and stopGradient", () => {
  it("trainable variables are watched automatically; others and plain tensors are not", () => {
    const w = gt.variable(f64([1, 2]));
    const frozen = gt.variable(f64([3, 4]), { trainable: false });
    const c = f64([5, 6]);
    const tape = new gt.GradientTape({ persistent: true });
    const y = tape.record(() => w.mul(frozen).mul(c).sum());
    expect(arr(tape.gradient(y, w))).toEqual([15, 24]);
    expect(arr(tape.gradient(y, frozen))).toEqual([0, 0]);
    expect(arr(tape.gradient(y, c))).toEqual([0, 0]);
  });
  it("watch makes a non-trainable variable or a plain tensor differentiable", () => {
    const frozen = gt.variable(f64([3, 4]), { trainable: false });
    const tape = new gt.GradientTape();
    tape.watch(frozen);
    const y = tape.record(() => frozen.square().sum());
    expect(arr(tape.gradient(y, frozen))).toEqual([6, 8]);
  });
  it("stopGradient blocks the path through it", () => {
    const x = f64(3);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.mul(gt.stopGradient(x.square())));
    expect(tape.gradient(y, x).item()).toBe(9);
  });
  it("the tape uses the value a variable had when it was read, not one assigned later", () => {
    const w = gt.variable(f64([2]));
    const tape = new gt.GradientTape();
    const y = tape.record(() => w.square().sum());
    w.assign(f64([100]));
    expect(tape.gradient(y, w).item()).toBe(4);
    expect(arr(w)).toEqual([100]);
  });
  it("a source the target does not depend on gets zeros of its shape", () => {
    const x = f64([1, 2]);
    const unused = f64([[1, 2, 3]]);
    const tape = new gt.GradientTape();
    tape.watch([x, unused]);
    const y = tape.record(() => x.sum());
    const [, g] = tape.gradient(y, [x, unused]);
    expect(g.shape).toEqual([1, 3]);
    expect(arr(g)).toEqual([0, 0, 0]);
  });
  it("int32 tensors take part without getting gradients", () => {
    const x = f64([1, 2, 3]);
    const idx = gt.tensor([2, 2, 0], undefined, "int32");
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.gather(idx).mul(idx).sum());
    expect(arr(tape.gradient(y, x))).toEqual([0, 0, 4]);
  });
});

describe("structure, pruning and untaped ops", () => {
  it("gradients come back in the structure of the sources: tensor, array, record", () => {
    const a = gt.variable(f64([1]));
    const b = gt.variable(f64([2]));
    const tape = new gt.GradientTape({ persistent: true });
    const y = tape.record(() => a.mul(b).sum());
    expect(tape.gradient(y, a).item()).toBe(2);
    expect(tape.gradient(y, [a, b]).map((g) => g.item())).toEqual([2, 1]);
    const rec = tape.gradient(y, { first: a, second: b });
    expect([rec.first.item(), rec.second.item()]).toEqual([2, 1]);
  });
  it("prunes nodes that lie off the paths from sources to the target", () => {
    const x = f64(2);
    const tape = new gt.GradientTape();
    tape.watch(x);
    let sideEffects = 0;
    const y = tape.record(() => {
      // A branch the target never uses: its gradient rule must not run.
      const side = x.exp();
      sideEffects = side.item();
      return x.square();
    });
    const before = sideEffects;
    expect(tape.gradient(y, x).item()).toBe(4);
    expect(sideEffects).toBe(before);
    expect((tape as unknown as { nodes: unknown[] }).nodes).toEqual([]);
  });
  it("ops outside record are not recorded: their result is not on the tape", () => {
    const x = f64(2);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const outside = x.square();
    tape.record(() => x.add(1));
    expect(() => tape.gradient(outside, x)).toThrow(/not computed on this tape/);
  });
  it("a tape records across several record calls", () => {
    const w = gt.variable(f64([3]));
    const tape = new gt.GradientTape();
    const h = tape.record(() => w.square());
    const y = tape.record(() => h.mul(2).sum());
    expect(tape.gradient(y, w).item()).toBe(12);
  });
});

describe("customGradient and noGrad", () => {
  it("a custom op uses its own gradient rule, and that rule differentiates again", () => {
    // f(x) = x² with the true gradient given by hand: 2x·dy.
    const sq = gt.customGradient((x) => ({ value: x.mul(x), gradFunc: (dy) => [dy.mul(x).mul(2)] }));
    const x = f64([3, -1]);
    const r = gt.checkGradients((t) => sq(t).pow(2), [x]);
    expect(r.maxRelativeError).toBeLessThan(1e-8);
    const outer = new gt.GradientTape();
    outer.watch(x);
    const g = outer.record(() => {
      const inner = new gt.GradientTape();
      inner.watch(x);
      const y = inner.record(() => sq(x).sum());
      return inner.gradient(y, x);
    });
    expect(arr(g)).toEqual([6, -2]);
    expect(arr(outer.gradient(g, x))).toEqual([2, 2]);
  });
  it("a custom rule replaces the derived one: gradient clipping in the backward pass only", () => {
    const clipGrad = gt.customGradient((x) => ({ value: x.mul(1), gradFunc: (dy) => [dy.clipByValue(-1, 1)] }));
    const x = f64([2]);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => clipGrad(x).mul(10).sum());
    expect(y.item()).toBe(20);
    expect(tape.gradient(y, x).item()).toBe(1);
  });
  it("noGrad runs ops without recording them", () => {
    const w = gt.variable(f64([1]));
    const tape = new gt.GradientTape();
    const y = tape.record(() => gt.noGrad(() => w.mul(3)));
    expect(() => tape.gradient(y, w)).toThrow(/not computed on this tape/);
  });
});

describe("cast's gradient", () => {
  it("passes through between float dtypes, converted back to the input's dtype, and stops at int32", () => {
    const x = f64([0.5, -1.25, 3]);
    const tape = new gt.GradientTape({ persistent: true });
    tape.watch(x);
    const y = tape.record(() => x.cast("float32").square().sum());
    const g = tape.gradient(y, x);
    expect(g.dtype).toBe("float64");
    expect(arr(g)).toEqual([1, -2.5, 6]);
    const z = tape.record(() => x.cast("int32").cast("float64").mul(x).sum());
    // Through the int32 path no gradient flows: only the direct factor x contributes trunc(x).
    expect(arr(tape.gradient(z, x))).toEqual([0, -1, 3]);
  });
});
