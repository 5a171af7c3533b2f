// File-system errors name the path and the real cause, and never hang: a manifest that is a
// folder (EISDIR), a folder that is a symlink loop (ELOOP), a parent that is a file (ENOTDIR), and
// a save under a place where nothing can be created (/proc, where Node's recursive mkdir never returns).
import { afterAll, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as gt from "../../src/index.js";

const work = mkdtempSync(join(tmpdir(), "gradtape-fs-errors-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const model = () => gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], seed: 1 })]);

it("a model.json that is a folder", () => {
  const dir = join(work, "manifest-is-folder");
  mkdirSync(join(dir, "model.json"), { recursive: true });
  expect(() => gt.loadModel(dir)).toThrow(`loadModel: ${join(dir, "model.json")} is a folder, not the manifest file (EISDIR)`);
});

it("a folder that is a symlink loop is not reported as missing", () => {
  const a = join(work, "loop-a");
  const b = join(work, "loop-b");
  symlinkSync(b, a);
  symlinkSync(a, b);
  expect(() => gt.loadModel(a)).toThrow(`loadModel: cannot read the folder ${a}: ELOOP (too many levels of symbolic links (a symlink loop?))`);
  expect(() => model().save(join(a, "m"))).toThrow(/^save: cannot create the folder .*: ELOOP \(too many levels of symbolic links/);
});

it("saving under a file, or where nothing can be created, fails at once with the cause", async () => {
  const file = join(work, "a-file");
  writeFileSync(file, "x");
  expect(() => model().save(join(file, "m"))).toThrow(`save: cannot create the folder ${join(file, "m")}: ${join(file, "m")}: ENOTDIR (a part of the path is a file, not a folder)`);
  const started = Date.now();
  expect(() => model().save("/proc/gradtape-no-such/m")).toThrow(/^save: cannot create the folder \/proc\/gradtape-no-such\/m: \/proc\/gradtape-no-such: ENOENT/);
  expect(Date.now() - started).toBeLessThan(2000);
});
