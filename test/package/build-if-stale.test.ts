// scripts/build-if-stale.mjs, which `npm start` and the examples run: nothing to do right after a
// build, and a step reported stale once one of its inputs is newer than its outputs.
import { spawnSync } from "node:child_process";
import { statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dryRun = () => spawnSync(process.execPath, ["scripts/build-if-stale.mjs", "--dry-run"], { cwd: root, encoding: "utf8" });

it("after a full build nothing is stale; a newer source makes the TypeScript build stale", () => {
  // `npm test` has just run every build step, in order.
  const fresh = dryRun();
  expect(fresh.status).toBe(0);
  expect(fresh.stderr, "run `npm run build && npm run build:scripts` first").toBe("");

  const file = join(root, "src/index.ts");
  const { atime, mtime } = statSync(file);
  try {
    utimesSync(file, atime, new Date(Date.now() + 60_000));
    const stale = dryRun();
    expect(stale.status).toBe(0);
    expect(stale.stderr).toBe("build-if-stale: tsc -p tsconfig.build.json\n");
  } finally {
    utimesSync(file, atime, mtime);
  }
  expect(dryRun().stderr).toBe("");
});

it("refuses an argument it does not know, naming it", () => {
  const r = spawnSync(process.execPath, ["scripts/build-if-stale.mjs", "--dryrun"], { cwd: root, encoding: "utf8" });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('build-if-stale: unknown argument "--dryrun"');
});
