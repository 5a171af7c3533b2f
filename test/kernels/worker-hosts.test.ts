// Kernel workers start however the host process was started: a worker inherits the host's flags
// unless given its own, and `--input-type=module` (from `node --input-type=module -e`, or a module
// piped into node) used to keep every worker from starting, so the first large product waited a
// minute. Each case runs the compiled package in a child node process. `npm test` builds dist/.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = new URL("../../dist/index.js", import.meta.url).href;

// A 512³ product (above the threshold for threads) with the default thread count and with one
// thread; the two must agree bit for bit, and the first must not wait for workers that never come.
const body = (gt: string) => `
  const warnings = [];
  console.warn = (...args) => warnings.push(args.join(" "));
  const x = ${gt}.randomNormal([512, 512], { seed: 3 });
  const started = Date.now();
  const many = x.matmul(x).data();
  const ms = Date.now() - started;
  const ready = await ${gt}.threadsReady();
  ${gt}.setThreads(1);
  const one = x.matmul(x).data();
  const same = many.length === one.length && many.every((v, i) => Object.is(v, one[i]));
  console.log(JSON.stringify({ ms, ready, same, warnings }));
`;
const moduleScript = `import * as gt from ${JSON.stringify(dist)};\n${body("gt")}`;
const commonScript = `import(${JSON.stringify(dist)}).then(async (gt) => {\n${body("gt")}\n});`;

function run(args: string[], input?: string): { ms: number; ready: number; same: boolean; warnings: string[] } {
  expect(existsSync(fileURLToPath(dist)), "run `npm run build` first").toBe(true);
  const child = spawnSync(process.execPath, args, { cwd: root, input, encoding: "utf8", timeout: 30_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim().split("\n").pop()!);
}

const threads = Math.min(4, availableParallelism());
const cases: [string, string[], string | undefined][] = [
  ["node --input-type=module -e", ["--input-type=module", "-e", moduleScript], undefined],
  ["a module piped into node --input-type=module", ["--input-type=module"], moduleScript],
  ["a CommonJS script piped into node", [], commonScript],
  ["node --require and --no-warnings (flags a worker must not need)", ["--no-warnings", "--require", "node:os", "--input-type=module", "-e", moduleScript], undefined],
];

for (const [name, args, input] of cases) {
  it(`workers start under ${name}`, { timeout: 60_000 }, () => {
    const r = run(args, input);
    expect(r.warnings).toEqual([]);
    expect(r.same).toBe(true);
    expect(r.ready).toBe(threads);
    // Boot and product; without their own flags the workers never started and this took 60 s.
    expect(r.ms).toBeLessThan(3000);
  });
}
