// The compiled package under plain Node. `npm test` builds dist/ before vitest runs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("the compiled dist/ runs under plain node, ndarray-ops paths included", () => {
  expect(existsSync(`${root}/dist/index.js`), "run `npm run build` first").toBe(true);
  const run = spawnSync(process.execPath, ["--expose-gc", "test/smoke/dist-smoke.mjs"], { cwd: root, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.stdout.trim()).toBe("dist smoke: ok");
  expect(run.status).toBe(0);
});
