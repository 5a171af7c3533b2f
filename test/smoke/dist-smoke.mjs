// Runs the compiled package with plain `node` (no vitest, no TypeScript loader), because the
// `ndarray-ops` default-import trap only shows under Node's own ESM loader. Exits non-zero on any
// mismatch. Run with --expose-gc so the "keeps nothing alive" check can force a collection.
import assert from "node:assert/strict";
import * as gt from "gradtape";

// Large enough (> 8192 elements) to take the ndarray-ops paths: a general broadcast and the
// materialization of a transposed view.
const n = 120;
const col = gt.randomNormal([n, 1], { seed: 1 });
const row = gt.randomNormal([1, n], { seed: 2 });
const outer = col.add(row).data();
assert.equal(outer[5 * n + 7], Math.fround(col.data()[5] + row.data()[7]));
const m = gt.randomNormal([n, n], { seed: 3 });
const mt = m.transpose().add(0).data();
assert.equal(mt[3 * n + 9], m.data()[9 * n + 3]);

// The article's step, end to end, on compiled code.
const w = gt.variable(gt.tensor([1]));
const tape = new gt.GradientTape();
const loss = tape.record(() => w.square().mul(0.5).sum());
const [g] = tape.gradient(loss, [w]);
w.assign(w.sub(g.mul(0.1)));
assert.equal(w.data()[0], Math.fround(0.9));

// Ops outside any tape keep nothing alive: the input can be collected while the output lives.
let x = gt.randomNormal([100_000], { seed: 4 });
const ref = new WeakRef(x);
const y = x.mul(2).exp();
x = null;
await new Promise((r) => setTimeout(r, 0));
globalThis.gc();
assert.equal(ref.deref(), undefined, "an untaped op kept its input alive");
assert.equal(y.size, 100_000);

console.log("dist smoke: ok");
