// fused.matMul on the WebAssembly dense kernels: first-order gradients take one WebAssembly call
// and equal the public-op backward bit for bit; any recording tape sends the backward back to the
// public ops, so gradients of gradients still work; setBackend("js") never calls the kernels.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as gt from "../../src/index.js";
import * as wasm from "../../src/kernels/wasm/index.js";

vi.mock("../../src/kernels/wasm/index.js", async (importOriginal) => {
  const mod = await importOriginal<typeof import("../../src/kernels/wasm/index.js")>();
  return { ...mod, denseForwardF32: vi.fn(mod.denseForwardF32), denseBackwardF32: vi.fn(mod.denseBackwardF32) };
});
const forwardCalls = () => vi.mocked(wasm.denseForwardF32).mock.calls.length;
const backwardCalls = () => vi.mocked(wasm.denseBackwardF32).mock.calls.length;

const LAYOUTS = [[false, false], [true, false], [false, true], [true, true]] as const;
const bits = (t: gt.Tensor) => Array.from(new Uint32Array((t.data() as Float32Array).buffer));
const normal = (shape: number[], seed: number) => gt.randomNormal(shape, { seed });
/** Multiples of 1/8 in [−2, 2]: products of up to a few hundred terms are exact in float32. */
const dyadic = (shape: number[], seed: number) => gt.randomUniform(shape, { seed, minval: -16, maxval: 17 }).cast("int32").cast("float32").div(8);

interface Case {
  a: gt.Tensor;
  b: gt.Tensor;
  bias?: gt.Tensor;
  activation: "relu" | "linear";
  transposeA: boolean;
  transposeB: boolean;
}

/** The output and the gradients of Σ dy ⊙ out with respect to `sources`. */
function run(c: Case, sources: gt.Tensor[], dy: gt.Tensor): { out: gt.Tensor; grads: gt.Tensor[] } {
  const tape = new gt.GradientTape();
  tape.watch(sources);
  const out = tape.record(() => gt.fused.matMul(c));
  return { out, grads: tape.gradient(out, sources, dy) };
}

/** The same, inside another tape's `record`: the backward must then run as public ops. */
function runRecorded(c: Case, sources: gt.Tensor[], dy: gt.Tensor) {
  return new gt.GradientTape().record(() => run(c, sources, dy));
}

function makeCase([m, k, n]: number[], ta: boolean, tb: boolean, activation: Case["activation"], biasShape: number[] | undefined, make = normal): Case {
  const a = make(ta ? [k, m] : [m, k], 1);
  const b = make(tb ? [n, k] : [k, n], 2);
  const bias = biasShape === undefined ? undefined : normal(biasShape, 3);
  return { a, b, bias, activation, transposeA: ta, transposeB: tb };
}

afterEach(() => gt.setBackend("wasm"));

describe("fused.matMul on the WebAssembly dense kernels", () => {
  for (const shape of [[7, 13, 5], [33, 65, 17], [1, 1, 1]]) {
    for (const [ta, tb] of LAYOUTS) {
      for (const activation of ["relu", "linear"] as const) {
        it(`${shape.join("×")} ${activation} transposeA=${ta} transposeB=${tb}: forward and first-order gradients equal the public ops bit for bit`, () => {
          const n = shape[2];
          for (const biasShape of [undefined, [n], [1, n]]) {
            const c = makeCase(shape, ta, tb, activation, biasShape);
            const sources = c.bias === undefined ? [c.a, c.b] : [c.a, c.b, c.bias];
            const dy = normal([shape[0], n], 4);

            const f0 = forwardCalls();
            const b0 = backwardCalls();
            const fast = run(c, sources, dy);
            expect([forwardCalls() - f0, backwardCalls() - b0]).toEqual([1, 1]);
            const slow = runRecorded(c, sources, dy);
            expect(backwardCalls() - b0).toBe(1);

            let unfused = gt.matmul(c.a, c.b, ta, tb);
            if (c.bias !== undefined) unfused = unfused.add(c.bias);
            if (activation === "relu") unfused = unfused.relu();
            expect(bits(fast.out)).toEqual(bits(unfused));
            fast.grads.forEach((g, i) => {
              expect(g.shape).toEqual(sources[i].shape);
              expect(bits(g)).toEqual(bits(slow.grads[i]));
            });
          }
        });
      }
    }
  }

  it("computes only the gradients the tape needs, each equal to the public ops'", () => {
    const c = makeCase([9, 6, 11], false, false, "relu", [11]);
    const dy = normal([9, 11], 5);
    for (const sources of [[c.b], [c.a], [c.bias!], [c.a, c.bias!], [c.b, c.bias!]]) {
      const fast = run(c, sources, dy);
      const needs = vi.mocked(wasm.denseBackwardF32).mock.lastCall![9];
      expect(needs).toEqual({ a: sources.includes(c.a), b: sources.includes(c.b), bias: sources.includes(c.bias!) });
      const slow = runRecorded(c, sources, dy);
      fast.grads.forEach((g, i) => expect(bits(g)).toEqual(bits(slow.grads[i])));
    }
  });

  it("operands that are transposed views give the same bits as the public ops, which read them in place", () => {
    const a = gt.transpose(normal([13, 7], 10));
    const b = gt.transpose(normal([5, 13], 11));
    expect(a.isContiguous || b.isContiguous).toBe(false);
    const c: Case = { a, b, bias: normal([5], 12), activation: "relu", transposeA: false, transposeB: false };
    const dy = normal([7, 5], 13);
    const b0 = backwardCalls();
    const fast = run(c, [a, b, c.bias!], dy);
    expect(backwardCalls() - b0).toBe(1);
    const slow = runRecorded(c, [a, b, c.bias!], dy);
    expect(bits(fast.out)).toEqual(bits(gt.matmul(a, b).add(c.bias!).relu()));
    fast.grads.forEach((g, i) => expect(bits(g)).toEqual(bits(slow.grads[i])));
  });

  it("equals setBackend(\"js\") bit for bit where the products are exact, and the js backend never calls the kernels", () => {
    for (const [ta, tb] of LAYOUTS) {
      const c = makeCase([33, 65, 17], ta, tb, "relu", [17], dyadic);
      const sources = [c.a, c.b, c.bias!];
      const dy = dyadic([33, 17], 6);
      const onWasm = run(c, sources, dy);
      gt.setBackend("js");
      const f0 = forwardCalls();
      const b0 = backwardCalls();
      const onJs = run(c, sources, dy);
      expect([forwardCalls() - f0, backwardCalls() - b0]).toEqual([0, 0]);
      gt.setBackend("wasm");
      expect(bits(onWasm.out)).toEqual(bits(onJs.out));
      onWasm.grads.forEach((g, i) => expect(bits(g)).toEqual(bits(onJs.grads[i])));
      // relu cut some outputs and kept others, so the mask was exercised.
      const out = Array.from(onWasm.out.data());
      expect(out.some((v) => v === 0) && out.some((v) => v > 0)).toBe(true);
    }
  });

  it("a second-order gradient runs the public ops and equals the unfused composition", () => {
    const a = normal([6, 5], 7);
    const w = normal([5, 4], 8);
    const bias = normal([4], 9);
    let innerCalls = -1;
    const gradNormGrad = (f: (w: gt.Tensor) => gt.Tensor) => {
      const outer = new gt.GradientTape();
      outer.watch(w);
      const g2 = outer.record(() => {
        const inner = new gt.GradientTape();
        inner.watch(w);
        const loss = inner.record(() => f(w).square().sum());
        const b0 = backwardCalls();
        const g = inner.gradient(loss, w);
        innerCalls = backwardCalls() - b0;
        return g.square().sum();
      });
      // The outer tape's own backward is first order again, and may take the kernel.
      return outer.gradient(g2, w);
    };
    const viaFused = gradNormGrad((v) => gt.fused.matMul({ a, b: v, bias, activation: "relu" }));
    expect(innerCalls).toBe(0);
    const viaOps = gradNormGrad((v) => gt.matmul(a, v).add(bias).relu());
    const got = Array.from(viaFused.data());
    const want = Array.from(viaOps.data());
    expect(got.some((v) => v !== 0)).toBe(true);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]))));
  });
});
