// Crash safety: a save that fails or is killed part-way leaves the previous checkpoint loadable,
// and one that got past its commit point leaves the new one; never a torn checkpoint.
// - in process: a failure injected after each step of a save;
// - a child process (compiled dist/, plain node) that SIGKILLs itself at each step;
// - child processes killed by the parent with SIGKILL at seeded random moments while saving in a loop.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import seedrandom from "seedrandom";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { saveHooks } from "../../src/io/atomic.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const child = join(root, "test/io/crash-child.mjs");
const work = mkdtempSync(join(tmpdir(), "gradtape-crash-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  delete saveHooks.afterStep;
});

/** The steps of a save whose weights changed, in order; the manifest's rename is the commit point. */
const STEPS = [
  "weights tmp-written", "weights tmp-synced", "weights renamed",
  "model.json tmp-written", "model.json tmp-synced", "model.json renamed", "model.json cleaned",
];
const COMMIT = STEPS.indexOf("model.json renamed");

/** The child's model and optimizer, so this process writes checkpoints of the same shape. */
function childLike() {
  const model = gt.sequential([
    gt.layers.dense({ units: 256, inputShape: [256], seed: 1, name: "big" }),
    gt.layers.dense({ units: 4, seed: 2, name: "out" }),
  ]);
  const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
  optimizer.applyGradients(model.weights.map((w) => [gt.onesLike(w), w] as const));
  const save = (dir: string, k: number) => {
    model.setWeights(model.weights.map((w) => gt.fill(w.shape, k)));
    const history = { epoch: Array.from({ length: k }, (_, i) => i), history: { loss: Array.from({ length: k }, (_, i) => 1 / (i + 1)) } };
    gt.saveCheckpoint(dir, { model, optimizer, epoch: k, seed: 7, history });
  };
  return { save };
}

/** Loads the checkpoint in `dir` and checks that it is version `k` in every part; returns k. */
function loadVersion(dir: string): number {
  const c = gt.loadCheckpoint(dir);
  const k = c.epoch;
  for (const w of c.model.weights) expect(new Set(w.data())).toEqual(new Set([k]));
  const velocities = Object.values(c.optimizer.getState().variables).map((v) => v.slots.velocity);
  expect(velocities).toHaveLength(4);
  for (const v of velocities) expect(new Set(v)).toEqual(new Set([1]));
  expect(c.optimizer.iterations).toBe(1);
  expect(c.seed).toBe(7);
  expect(c.history.history.loss).toEqual(Array.from({ length: k }, (_, i) => 1 / (i + 1)));
  return k;
}

const stepName = (step: string, file: string) => `${file.startsWith("weights.") ? "weights" : file} ${step}`;

describe("crash safety", () => {
  it("a failure injected after any step of a save leaves the old checkpoint (before the commit) or the new one (after)", () => {
    const { save } = childLike();
    const results: string[] = [];
    STEPS.forEach((failAt, i) => {
      const dir = join(work, `inject-${i}`);
      save(dir, 1);
      const seen: string[] = [];
      saveHooks.afterStep = (step, file) => {
        seen.push(stepName(step, file));
        if (stepName(step, file) === failAt) throw new Error("injected failure");
      };
      if (i < COMMIT) expect(() => save(dir, 2)).toThrow(/^saveCheckpoint: writing .* failed, so the previous save there \(if any\) is still the one that loads: injected failure$/);
      else expect(() => save(dir, 2)).toThrow("injected failure");
      delete saveHooks.afterStep;
      expect(seen).toEqual(STEPS.slice(0, i + 1));
      expect(loadVersion(dir)).toBe(i < COMMIT ? 1 : 2);
      // No temporary file is left behind by a failure that threw.
      expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
      save(dir, 3);
      expect(loadVersion(dir)).toBe(3);
      expect(readdirSync(dir)).toHaveLength(2);
      results.push(`${failAt}: ${i < COMMIT ? "old" : "new"}`);
    });
    expect(results).toHaveLength(7);
  });

  it("a process killed (SIGKILL) at any step of a save leaves the old checkpoint or the new one, and the next save cleans up", () => {
    expect(existsSync(join(root, "dist/index.js")), "run `npm run build` first").toBe(true);
    const { save } = childLike();
    STEPS.forEach((step, i) => {
      const dir = join(work, `die-${i}`);
      save(dir, 1);
      const run = spawnSync(process.execPath, [child, dir, "die", String(i + 1), "2"], { encoding: "utf8" });
      expect(run.signal).toBe("SIGKILL");
      const [, file, last] = run.stdout.trim().split("\n").at(-1)!.split(" ");
      expect(stepName(last, file)).toBe(step);
      expect(loadVersion(dir)).toBe(i < COMMIT ? 1 : 2);
      save(dir, 3);
      expect(loadVersion(dir)).toBe(3);
      // The dead process's temporary files and the stale weights file are gone.
      expect(readdirSync(dir)).toHaveLength(2);
    });
  });

  it("processes killed with SIGKILL at random moments while saving leave the last saved checkpoint or the one being saved", async () => {
    expect(existsSync(join(root, "dist/index.js")), "run `npm run build` first").toBe(true);
    const rng = seedrandom("gradtape crash test");
    const lanes = 2;
    const killsPerLane = 6;
    const landed = new Map<string, number>();
    let kills = 0;
    await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
      const dir = join(work, `random-${lane}`);
      for (let n = 0; n < killsPerLane; n++) {
        const delay = Math.floor(rng() * 60);
        const out = await new Promise<string>((resolve, reject) => {
          const p = spawn(process.execPath, [child, dir, "loop"], { stdio: ["ignore", "pipe", "pipe"] });
          let stdout = "";
          let stderr = "";
          p.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            if (!stdout.includes("ready") && (stdout + chunk).includes("ready")) setTimeout(() => p.kill("SIGKILL"), delay);
            stdout += chunk;
          });
          p.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
          p.on("error", reject);
          p.on("exit", (_code, signal) => (signal === "SIGKILL" && stderr === "" ? resolve(stdout) : reject(new Error(`child ended with ${signal}: ${stderr}`))));
        });
        kills++;
        const lines = out.trim().split("\n");
        const saved = Math.max(...lines.filter((l) => l.startsWith("saved ")).map((l) => Number(l.slice(6))));
        const last = lines.at(-1)!;
        const where = last.startsWith("step ") ? stepName(last.split(" ")[3], last.split(" ")[2]) : "between saves";
        landed.set(where, (landed.get(where) ?? 0) + 1);
        const k = loadVersion(dir);
        expect([saved, saved + 1]).toContain(k);
        // Leftovers of a crash are bounded: the manifest, its weights, at most a stale weights file and a temporary file.
        expect(readdirSync(dir).length).toBeLessThanOrEqual(4);
      }
    }));
    expect(kills).toBe(lanes * killsPerLane);
    console.log(`crash test: ${kills} random SIGKILLs, all left a loadable checkpoint (old or new); where they landed: ${JSON.stringify(Object.fromEntries(landed))}`);
  });
});
