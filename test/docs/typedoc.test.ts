// The documentation site builds without a single warning: TSDoc on every export (typedoc.json's
// `validation.notDocumented`), no broken {@link}, and guides whose relative links and images all
// resolve. This is `npm run docs` with `--emit none`: typedoc converts and validates everything
// and writes nothing.
//
// The momentum guide shows plots that `npm run docs` generates with the momentum example. Here the
// guides are copied to a temporary folder and the example writes its plots next to them in quick
// mode, so the test neither needs nor touches docs/media/generated/. `npm test` builds the
// compiled example (build/examples) before vitest runs.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const sh = promisify(execFile);

const config = JSON.parse(readFileSync(join(root, "typedoc.json"), "utf8")) as { projectDocuments: string[] };

it("typedoc.json lists every guide in docs/, in reading order", () => {
  const guides = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  // Reference pages (docs/reference/) are listed too, after the guides.
  guides.push(...readdirSync(join(root, "docs/reference")).filter((f) => f.endsWith(".md")).map((f) => `docs/reference/${f}`));
  expect([...config.projectDocuments].sort()).toEqual(guides.sort());
});

it("the docs build with no warnings and no errors", { timeout: 180_000 }, async () => {
  const example = join(root, "build/examples/momentum-vs-sgd.js");
  expect(existsSync(example), "run `npm run build && npm run build:scripts` first").toBe(true);

  const tmp = mkdtempSync(join(tmpdir(), "gt-docs-"));
  cpSync(join(root, "docs"), join(tmp, "docs"), { recursive: true, filter: (src) => !src.includes(`${join("media", "generated")}`) });
  await sh(process.execPath, [example, "--quick", "--out", join(tmp, "docs/media/generated")], { cwd: root, timeout: 120_000 });

  const documents = config.projectDocuments.flatMap((d) => ["--projectDocuments", join(tmp, d)]);
  const typedoc = join(root, "node_modules/typedoc/bin/typedoc");
  let output: string;
  let status = 0;
  try {
    const r = await sh(process.execPath, [typedoc, "--emit", "none", ...documents], { cwd: root, timeout: 170_000, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    output = `${r.stdout}${r.stderr}`;
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    status = err.code ?? 1;
    output = `${err.stdout ?? ""}${err.stderr ?? ""}`;
  }
  const problems = output.replace(/\x1b\[[0-9;]*m/g, "").split("\n").filter((l) => /\[(warning|error)\]/.test(l));
  expect(problems).toEqual([]);
  expect(status, output).toBe(0);
});
