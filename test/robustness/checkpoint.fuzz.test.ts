// Fuzzing checkpoints (fast-check, fixed seeds). A checkpoint (model, Adam with slots, training
// state) is corrupted: its manifest text truncated or with bytes replaced, its weights truncated,
// flipped or extended, or one manifest field set to an absurd value (then re-sealed, as a crafted
// file would be, or with its checksum removed, as a hand edit would leave it), or its files on
// disk damaged. Loading must end in a ModelFormatError with a message, or load something that
// allocates no more than the weights hold (and, for byte-level damage, equals the original):
// never a hang, a crash, or another kind of error.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { sealManifest } from "../../src/io/memory.js";

const RUNS = { text: 400, weights: 300, fields: 500, files: 60 };
const work = mkdtempSync(join(tmpdir(), "gradtape-fuzz-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function original() {
  const model = gt.sequential([
    gt.layers.dense({ units: 4, activation: "relu", inputShape: [3], seed: 1, name: "hidden" }),
    gt.layers.dropout({ rate: 0.5, seed: 2, name: "drop" }),
    gt.layers.dense({ units: 2, seed: 3, name: "out", dtype: "float32" }),
  ]);
  const optimizer = new gt.optim.Adam({ learningRate: gt.optim.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 3, decayRate: 0.5 }) });
  const x = gt.randomNormal([5, 3], { seed: 4 });
  for (let i = 0; i < 2; i++) {
    const tape = new gt.GradientTape();
    const loss = tape.record(() => model.call(x, { training: true }).square().mean());
    optimizer.applyGradients(gt.zip(tape.gradient(loss, model.trainableVariables), model.trainableVariables));
  }
  const history = { epoch: [0, 1], history: { loss: [0.5, 0.25], val_loss: [Infinity, NaN] } };
  return { model, optimizer, saved: gt.toMemory(model, { optimizer, training: { epoch: 2, seed: "s", history } }) };
}

const { model: model0, optimizer: optimizer0, saved } = original();
const text0 = JSON.stringify(saved.manifest, null, 2);
const weights0 = new Uint8Array(saved.weights);
const bits = (t: gt.Tensor) => Array.from(new Uint8Array(t.data().buffer));

/** Every path to a number, a string or a boolean in the manifest, and the manifest's objects. */
function leaves(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    out.push(path);
    for (const [k, v] of Object.entries(value)) leaves(v, [...path, Array.isArray(value) ? Number(k) : k], out);
  } else out.push(path);
  return out;
}
const PATHS = leaves(saved.manifest).filter((p) => p.length > 0);
const ABSURD: unknown[] = [-1, 0, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, "x", "", null, true, [], {}, [2 ** 32, 2 ** 32], "float16", "../../etc/passwd"];

/** Loads, and checks the outcome: a ModelFormatError, or a result within the bytes' budget. */
function outcome(load: () => gt.LoadedModel, budget: number, mustEqualOriginal: boolean, tally: { ok: number; errors: number }): void {
  let loaded: gt.LoadedModel;
  try {
    loaded = load();
  } catch (e) {
    tally.errors++;
    expect(e).toBeInstanceOf(gt.ModelFormatError);
    expect((e as Error).message).toMatch(/^(fromMemory|loadCheckpoint): .{20,}/);
    return;
  }
  tally.ok++;
  const weightBytes = loaded.model.weights.reduce((n, v) => n + v.data().byteLength, 0);
  const slotBytes = Object.values(loaded.optimizer?.getState().variables ?? {}).reduce((n, v) => n + Object.values(v.slots).reduce((m, s) => m + s.byteLength, 0), 0);
  expect(weightBytes + slotBytes).toBeLessThanOrEqual(budget);
  if (mustEqualOriginal) {
    expect(loaded.model.weights.map(bits)).toEqual(model0.weights.map(bits));
    expect(loaded.optimizer?.getState()).toEqual(optimizer0.getState());
    expect(loaded.training?.epoch).toBe(2);
  }
}

function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

describe("checkpoint fuzzing", () => {
  it("the undamaged checkpoint loads", () => {
    const tally = { ok: 0, errors: 0 };
    outcome(() => gt.fromMemory({ manifest: text0, weights: weights0 }), weights0.length, true, tally);
    expect(tally.ok).toBe(1);
  });

  it(`damaged manifest text: truncated or with bytes replaced (${RUNS.text} cases)`, () => {
    const tally = { ok: 0, errors: 0 };
    let slowest = 0;
    const damage = fc.oneof(
      fc.nat().map((n) => (t: Uint8Array) => t.slice(0, n % t.length)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }).map((subs) => (t: Uint8Array) => {
        const out = t.slice();
        for (const [at, v] of subs) out[at % out.length] = v;
        return out;
      }),
    );
    const bytes0 = new TextEncoder().encode(text0);
    fc.assert(
      fc.property(damage, (f) => {
        const damaged = f(bytes0);
        const text = new TextDecoder().decode(damaged);
        slowest = Math.max(slowest, timed(() => outcome(() => gt.fromMemory({ manifest: text, weights: weights0 }), weights0.length, true, tally)));
      }),
      { seed: 101, numRuns: RUNS.text },
    );
    expect(slowest).toBeLessThan(1000);
    console.log(`checkpoint fuzz, manifest text: ${RUNS.text} cases, ${tally.errors} errors, ${tally.ok} harmless (whitespace), slowest ${slowest.toFixed(1)} ms`);
  });

  it(`damaged weights: truncated, flipped or extended (${RUNS.weights} cases)`, () => {
    const tally = { ok: 0, errors: 0 };
    const damage = fc.oneof(
      fc.nat().map((n) => (w: Uint8Array) => w.slice(0, n % w.length)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => (w: Uint8Array) => {
        const out = w.slice();
        for (const [at, x] of flips) out[at % out.length] ^= x;
        return out;
      }),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => (w: Uint8Array) => {
        const out = new Uint8Array(w.length + extra.length);
        out.set(w);
        out.set(extra, w.length);
        return out;
      }),
    );
    fc.assert(
      fc.property(damage, (f) => {
        const damaged = f(weights0);
        outcome(() => gt.fromMemory({ manifest: saved.manifest, weights: damaged }), damaged.length, true, tally);
      }),
      { seed: 102, numRuns: RUNS.weights },
    );
    expect(tally.ok).toBe(0);
    console.log(`checkpoint fuzz, weights: ${RUNS.weights} cases, ${tally.errors} errors`);
  });

  it(`one manifest field set to an absurd value, re-sealed or unsealed (${RUNS.fields} cases)`, () => {
    const tally = { ok: 0, errors: 0 };
    let slowest = 0;
    const edit = fc.tuple(fc.constantFrom(...PATHS), fc.oneof(fc.constantFrom(...ABSURD), fc.constant("delete")), fc.boolean());
    fc.assert(
      fc.property(edit, ([path, value, reseal]) => {
        const m = JSON.parse(text0) as Record<string, unknown>;
        let parent = m as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        const last = path[path.length - 1];
        if (value === "delete") {
          if (Array.isArray(parent)) parent.splice(Number(last), 1);
          else delete parent[last];
        } else parent[last] = value;
        delete m.manifestChecksum;
        const manifest = reseal ? sealManifest(m as unknown as gt.ModelManifest) : m;
        slowest = Math.max(slowest, timed(() => outcome(() => gt.fromMemory({ manifest: manifest as unknown as gt.ModelManifest, weights: weights0 }), weights0.length, false, tally)));
      }),
      { seed: 103, numRuns: RUNS.fields },
    );
    expect(slowest).toBeLessThan(1000);
    console.log(`checkpoint fuzz, absurd fields: ${RUNS.fields} cases, ${tally.errors} errors, ${tally.ok} still valid checkpoints (e.g. another epoch number)`);
  });

  it(`damaged files in a checkpoint folder (${RUNS.files} cases)`, () => {
    const dir = join(work, "ckpt");
    gt.saveCheckpoint(dir, { model: model0, optimizer: optimizer0, epoch: 2, seed: "s" });
    const files = readdirSync(dir);
    const contents = new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
    const tally = { ok: 0, errors: 0 };
    const damage = fc.tuple(fc.constantFrom(...files), fc.constantFrom("truncate", "flip", "delete", "empty"), fc.nat(), fc.integer({ min: 1, max: 255 }));
    fc.assert(
      fc.property(damage, ([file, how, at, x]) => {
        for (const [f, c] of contents) writeFileSync(join(dir, f), c);
        const c = Uint8Array.from(contents.get(file)!);
        if (how === "delete") rmSync(join(dir, file));
        else if (how === "empty") writeFileSync(join(dir, file), new Uint8Array(0));
        else if (how === "truncate") writeFileSync(join(dir, file), c.slice(0, at % c.length));
        else {
          c[at % c.length] ^= x;
          writeFileSync(join(dir, file), c);
        }
        const loaded = () => {
          const k = gt.loadCheckpoint(dir);
          return { model: k.model, optimizer: k.optimizer, training: { epoch: k.epoch, seed: k.seed, history: k.history } };
        };
        outcome(loaded, weights0.length, true, tally);
      }),
      { seed: 104, numRuns: RUNS.files },
    );
    console.log(`checkpoint fuzz, folder files: ${RUNS.files} cases, ${tally.errors} errors, ${tally.ok} harmless`);
  });
});
