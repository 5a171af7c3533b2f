// The kernels over a shared memory ("resident": results are views that own a block, operands that
// are such views are read in place) against the copying kernels over a plain memory: the same bits
// for every operand placement, operands left as they were, and a budget past which results go to
// the JavaScript heap.
import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { Kernels, type DenseNeeds } from "../../src/kernels/wasm/index.js";

const bits = (x: Float32Array | undefined) => (x === undefined ? undefined : Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length)));

function random(seed: string, length: number): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length }, () => rng() * 2 - 1);
}

const copying = new Kernels({ resident: false });
const resident = new Kernels({ resident: true });

/** `x` three ways: a plain array, a view owning a block of `k`'s memory, and a view into such a block 3 floats in. */
function placements(k: Kernels, x: Float32Array): Float32Array[] {
  const own = k.allocateF32(x.length);
  own.set(x);
  const inner = k.allocateF32(x.length + 3).subarray(3);
  inner.set(x);
  return [x, own, inner];
}

describe("resident kernels", () => {
  it("hand out views into their memory, and the copying kernels plain arrays", () => {
    const a = random("a", 12);
    const b = random("b", 20);
    const r = resident.matmulF32(a, b, 3, 4, 5);
    expect(resident.isResident(r)).toBe(true);
    expect(r.buffer).toBeInstanceOf(SharedArrayBuffer);
    const c = copying.matmulF32(a, b, 3, 4, 5);
    expect(c.buffer).toBeInstanceOf(ArrayBuffer);
    expect(copying.isResident(c)).toBe(false);
    expect(bits(r)).toEqual(bits(c));
  });

  it("compute the same bits as the copying kernels, wherever the operands are", () => {
    const [m, k, n] = [33, 65, 17];
    const a = random("a", m * k);
    const b = random("b", k * n);
    const bias = random("bias", n);
    const dy = random("dy", m * n);
    const needs: DenseNeeds = { a: true, b: true, bias: true };
    const want = {
      product: bits(copying.matmulF32(a, b, m, k, n, false, true)),
      forward: bits(copying.denseForwardF32(a, b, bias, m, k, n, true, false, true)),
    };
    const y = copying.denseForwardF32(a, b, bias, m, k, n, false, false, true);
    const back = copying.denseBackwardF32(dy, y, a, b, m, k, n, false, false, needs);
    for (const [ra, rb, rbias, rdy, ry] of [0, 1, 2].map((i) => [a, b, bias, dy, y].map((x) => placements(resident, x)[i]))) {
      const before = bits(rdy);
      expect(bits(resident.matmulF32(ra, rb, m, k, n, false, true))).toEqual(want.product);
      expect(bits(resident.denseForwardF32(ra, rb, rbias, m, k, n, true, false, true))).toEqual(want.forward);
      const got = resident.denseBackwardF32(rdy, ry, ra, rb, m, k, n, false, false, needs);
      expect([bits(got.da), bits(got.db), bits(got.dbias)]).toEqual([bits(back.da), bits(back.db), bits(back.dbias)]);
      // The kernel turns dy into dz in place: a resident dy is copied in first, so it is unchanged.
      expect(bits(rdy)).toEqual(before);
    }
  });

  it("step SGD with the same bits, reading resident weights and gradients in place", () => {
    const n = 2053;
    const w = random("w", n);
    const g = random("g", n);
    g[17] = Infinity;
    const want = copying.sgdMomentumF32(w, g, undefined, 0.1, 0.9, 1, 0.01, true);
    for (const [rw, rg] of [0, 1, 2].map((i) => [placements(resident, w)[i], placements(resident, g)[i]])) {
      const got = resident.sgdMomentumF32(rw, rg, undefined, 0.1, 0.9, 1, 0.01, true);
      expect([bits(got.weight), bits(got.velocity)]).toEqual([bits(want.weight), bits(want.velocity)]);
      expect(resident.isResident(got.weight) && resident.isResident(got.velocity)).toBe(true);
      expect(resident.countNonFiniteF32(rg)).toBe(1);
    }
  });

  it("read resident operands without copying them", () => {
    const [ra, rb] = [placements(resident, random("a", 64 * 784))[1], placements(resident, random("b", 784 * 128))[1]];
    const before = resident.counters.bytesIn;
    resident.matmulF32(ra, rb, 64, 784, 128);
    resident.countNonFiniteF32(rb);
    expect(resident.counters.bytesIn).toBe(before);
  });

  it("put results on the JavaScript heap once the budget is used up, and memory stops growing", () => {
    const k = new Kernels({ resident: true, residentBudget: 2 ** 18 });
    const a = random("a", 64 * 40);
    const b = random("b", 40 * 32);
    const held: Float32Array[] = [];
    for (let i = 0; i < 40; i++) held.push(k.matmulF32(a, b, 64, 40, 32));
    // Each result takes 8,256 bytes; 31 of them fit in 256 KiB.
    expect(held.filter((r) => k.isResident(r))).toHaveLength(31);
    const bytes = k.memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) held.push(k.matmulF32(a, b, 64, 40, 32));
    expect(k.memory.buffer.byteLength).toBe(bytes);
    expect(new Set(held.map(bits).map(String)).size).toBe(1);
  });

  it("merge adjacent freed blocks to serve a larger result when the budget is used up", () => {
    const k = new Kernels({ resident: true, residentBudget: 2 ** 16 });
    // Optimizer slots are outside the results' budget; 16 results of 1,000 floats fill it.
    const slots = Array.from({ length: 16 }, () => k.allocResident("test", 1000));
    const held = Array.from({ length: 17 }, () => k.allocateF32(1000));
    expect(held.filter((r) => k.isResident(r))).toHaveLength(16);
    expect(k.isResident(k.allocateF32(2000))).toBe(false);
    k.freeResident(slots[5], 1000);
    k.freeResident(slots[6], 1000);
    const merged = k.allocateF32(2000);
    expect(k.isResident(merged)).toBe(true);
    expect(merged.byteOffset).toBe(slots[5]);
  });

  it("name the function when memory cannot hold the operands", () => {
    expect(() => resident.allocResident("SGD.applyGradients", 2 ** 30)).toThrow("SGD.applyGradients: cannot grow WebAssembly memory");
  });
});
