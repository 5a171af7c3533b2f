// A tensor whose size cannot be allocated is refused before anything is allocated, with the op,
// the shape and the bytes it would need, instead of "Invalid typed array length" or an
// out-of-memory crash.
import { expect, it } from "vitest";
import { totalmem } from "node:os";
import * as gt from "../../src/index.js";

it("creation functions, computed shapes and views refuse sizes that cannot be allocated", () => {
  const tooMany = /cannot allocate a (float32|float64|int32) tensor of shape \[[\d, ]+\] \(\d+ elements\): it needs \d+ bytes \([\d.]+ GiB\), more than/;
  const cases: [string, () => unknown][] = [
    ["zeros", () => gt.zeros([1e6, 1e6])],
    ["randomNormal", () => gt.randomNormal([1e5, 1e5])],
    ["randomUniform", () => gt.randomUniform([2 ** 33])],
    ["range", () => gt.range(1e12)],
    ["linspace", () => gt.linspace(0, 1, 1e12)],
    ["eye", () => gt.eye(1e6)],
    ["oneHot", () => gt.oneHot([0, 1], 2 ** 32)],
    ["matmul", () => gt.matmul(gt.ones([100000, 1]), gt.ones([1, 100000]))],
    ["add", () => gt.add(gt.ones([100000, 1]), gt.ones([1, 100000]))],
    ["tile", () => gt.tile(gt.ones([2, 2]), [1e5, 1e5])],
    ["Tensor", () => gt.broadcastTo(gt.ones([1]), [1e5, 1e5]).data()],
  ];
  for (const [op, make] of cases) expect(make, op).toThrow(new RegExp(`^${op}: ${tooMany.source}`));
  // Below the engine's limit but beyond this machine's memory: refused too, before allocating.
  const beyondMemory = Math.ceil(totalmem() / 8) + 1;
  expect(() => gt.zeros([beyondMemory], "float64")).toThrow(/^zeros: cannot allocate a float64 tensor .* more than (this machine's memory|the 4294967296 elements a typed array can hold)$/);
});
