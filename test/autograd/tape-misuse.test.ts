// What the tape says when it is used in ways that used to give silently wrong numbers or
// misleading messages: re-entrant record, async callbacks, plain-array output gradients, int32
// sources, targets no source reaches (first and second order alike), and pow's 0^0 gradient.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const f64 = (v: gt.NestedArray) => gt.tensor(v, undefined, "float64");

describe("record", () => {
  it("refuses to be re-entered from its own callback, instead of recording every op twice", () => {
    const w = gt.variable(f64([3]));
    const tape = new gt.GradientTape();
    expect(() => tape.record(() => tape.record(() => w.square().sum()))).toThrow(
      "GradientTape.record: this tape is still recording (record was called again from inside its own callback)",
    );
    // The tape is usable again afterwards, and gives the single gradient 2w.
    const y = tape.record(() => w.square().sum());
    expect(tape.gradient(y, w).toArray()).toEqual([6]);
  });

  it("another tape inside record is fine: that is how higher-order gradients are taken", () => {
    const x = f64(2);
    const outer = new gt.GradientTape();
    outer.watch(x);
    const g = outer.record(() => {
      const inner = new gt.GradientTape();
      inner.watch(x);
      return inner.gradient(inner.record(() => x.pow(3)), x);
    });
    expect(outer.gradient(g, x).item()).toBe(12);
  });

  it("names an async callback instead of saying later that the target was not on the tape", async () => {
    const w = gt.variable(f64([3]));
    const tape = new gt.GradientTape();
    expect(() => tape.record(async () => w.square().sum())).toThrow(
      /^GradientTape\.record: the callback returned a Promise \(an async function\?\); record needs a synchronous function/,
    );
    // A rejected promise is not left unhandled (vitest would report it).
    expect(() => tape.record(async () => Promise.reject(new Error("inside")))).toThrow(/returned a Promise/);
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
});

describe("outputGradient", () => {
  const w = gt.variable(f64([1, 2, 3]));
  const weighted = (og: unknown) => {
    const tape = new gt.GradientTape();
    const y = tape.record(() => w.mul(2));
    return tape.gradient(y, w, og as gt.Tensor).toArray();
  };
  it("takes what other tensor arguments take: a tensor, a plain array, a number for a scalar target", () => {
    expect(weighted(f64([1, 0, -1]))).toEqual([2, 0, -2]);
    expect(weighted([1, 0, -1])).toEqual([2, 0, -2]);
    expect(weighted(gt.tensor([1, 0, -1], undefined, "int32"))).toEqual([2, 0, -2]);
    expect(weighted(null)).toEqual([2, 2, 2]);
    const tape = new gt.GradientTape();
    const s = tape.record(() => w.sum());
    expect(tape.gradient(s, w, 3).toArray()).toEqual([3, 3, 3]);
  });
  it("says what is wrong with a bad one", () => {
    expect(() => weighted([1, 1])).toThrow("GradientTape.gradient: outputGradient has shape [2] but the target has shape [3]");
    expect(() => weighted("1")).toThrow("GradientTape.gradient: argument 'outputGradient' must be a tensor, a number or an array, got string 1");
    expect(() => weighted(gt.tensor([1, 1, 1]))).toThrow("GradientTape.gradient: outputGradient is float32 but the target is float64; cast it with .cast('float64')");
  });
});

describe("int32 sources are refused, the same way everywhere", () => {
  const ids = gt.tensor([1, 2], undefined, "int32");
  it("in watch", () => {
    const tape = new gt.GradientTape();
    expect(() => tape.watch(ids)).toThrow("GradientTape.watch: argument is int32; only float tensors have gradients");
    expect(() => tape.watch([f64(1), ids])).toThrow("GradientTape.watch: argument at index 1 is int32;");
  });
  it("in gradient", () => {
    const x = f64([1, 2]);
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.mul(ids).sum());
    expect(() => tape.gradient(y, [x, ids])).toThrow(
      "GradientTape.gradient: the source at index 1 is int32; only float tensors have gradients (integers take part as constants); cast it with .cast('float32')",
    );
  });
  it("an int32 variable is a constant: not watched, and refused as a source", () => {
    const count = gt.variable(gt.tensor([2], undefined, "int32"));
    const w = gt.variable(f64([3]));
    const tape = new gt.GradientTape({ persistent: true });
    const y = tape.record(() => w.mul(count).sum());
    expect(tape.gradient(y, w).toArray()).toEqual([2]);
    expect(() => tape.gradient(y, { count })).toThrow("GradientTape.gradient: the source 'count' is int32;");
  });
  it("in checkGradients", () => {
    expect(() => gt.checkGradients((t) => t.sum(), [ids])).toThrow("checkGradients: input 0 is int32; gradients exist only for float inputs");
  });
});

describe("a target that no watched source reaches", () => {
  // Decision: TensorFlow's unconnected_gradients='zero'. A target made inside record from nothing
  // the tape watches gets zeros for every source, if some source is watched; first order (a
  // constant) and second order (the gradient of a linear or piecewise-linear function) agree.
  // A target not made on the tape at all, or asked of sources none of which is watched, stays an
  // error: those are mistakes (PyTorch raises for both), not a gradient that happens to be zero.
  const x = f64([1, -2, 3]);
  const secondOrder = (f: (t: gt.Tensor) => gt.Tensor) => {
    const outer = new gt.GradientTape();
    outer.watch(x);
    const g = outer.record(() => {
      const inner = new gt.GradientTape();
      inner.watch(x);
      return inner.gradient(inner.record(() => f(x).sum()), x);
    });
    return outer.gradient(g, x).toArray();
  };
  it("second order through piecewise-linear and linear ops is zeros", () => {
    expect(secondOrder((t) => t.relu())).toEqual([0, 0, 0]);
    expect(secondOrder((t) => t.abs())).toEqual([0, 0, 0]);
    expect(secondOrder((t) => t.maximum(0))).toEqual([0, 0, 0]);
    expect(secondOrder((t) => t.clipByValue(-1, 1))).toEqual([0, 0, 0]);
    expect(secondOrder((t) => t.mul(3).add(1))).toEqual([0, 0, 0]);
    // And where it is not zero, it is still the true second derivative.
    expect(secondOrder((t) => t.pow(3))).toEqual([6, -12, 18]);
  });
  it("first order of a constant made inside record is zeros, the same answer", () => {
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => f64(5).mul(2));
    expect(tape.gradient(y, x).toArray()).toEqual([0, 0, 0]);
    const ts = new gt.GradientTape();
    ts.watch(x);
    const ys = ts.record(() => gt.stopGradient(x).square().sum());
    expect(ts.gradient(ys, x).toArray()).toEqual([0, 0, 0]);
  });
  it("but a target made outside, under noGrad, or asked of unwatched sources only, is an error", () => {
    const tape = new gt.GradientTape({ persistent: true });
    tape.watch(x);
    const outside = x.square();
    const quiet = tape.record(() => gt.noGrad(() => x.square()));
    expect(() => tape.gradient(outside, x)).toThrow(/^GradientTape\.gradient: the target \(a float64 tensor of shape \[3\]\) was not computed on this tape;/);
    expect(() => tape.gradient(quiet, x)).toThrow(/was not computed on this tape;/);
    const forgot = f64([1]);
    const t2 = new gt.GradientTape();
    const y2 = t2.record(() => forgot.square());
    expect(() => t2.gradient(y2, forgot)).toThrow(
      "GradientTape.gradient: the target (a float64 tensor of shape [1]) was computed inside record from nothing this tape watches, and no source is watched; call tape.watch(x) before record",
    );
  });
});

describe("pow with a tensor exponent", () => {
  it("has gradient 0 at x = 0, e = 0, as the number-exponent path and PyTorch", () => {
    const x = f64([0, 0, 2]);
    const e = f64([0, 2, 0]);
    const tape = new gt.GradientTape({ persistent: true });
    tape.watch([x, e]);
    const y = tape.record(() => gt.pow(x, e).sum());
    expect(tape.gradient(y, x).toArray()).toEqual([0, 0, 0]);
    const numberPath = new gt.GradientTape();
    numberPath.watch(x);
    expect(numberPath.gradient(numberPath.record(() => gt.pow(x, 0).sum()), x).toArray()).toEqual([0, 0, 0]);
    expect(tape.gradient(y, e).toArray()).toEqual([0, 0, Math.log(2)]);
  });
  it("its gradients still match finite differences away from 0", () => {
    const r = gt.checkGradients((b, e) => gt.pow(b, e), [f64([0.5, 1.5, 2]), f64([0, 1.5, -1])]);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
  });
});
