#!/usr/bin/env node
// Builds the momentum lab (lab/) into a static folder: lab/index.html and lab/style.css copied, lab/src/main.ts and
// the race's worker bundled with esbuild, gradtape taken from src/ (so `npm run build:wasm` must have run). Used by
// `npm run lab` (scripts/lab-server.mjs), by `npm run docs` (into docs-site/lab) and by the browser tests.
// Usage: node scripts/lab-build.mjs [--out DIR]   (default build/lab)
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The lab's static files, written to `outDir` (emptied first). Resolves with `outDir`. */
export async function buildLab(outDir = join(root, "build/lab")) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, "lab/src/main.ts"), join(root, "lab/src/race-worker.ts")],
    outdir: outDir,
    entryNames: "[name]",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "linked",
    minify: true,
    alias: { gradtape: join(root, "src/index.ts") },
    logLevel: "warning",
  });
  for (const file of ["index.html", "style.css"]) copyFileSync(join(root, "lab", file), join(outDir, file));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--out");
  const out = await buildLab(i >= 0 ? resolve(process.argv[i + 1]) : undefined);
  console.log(`lab built in ${out}`);
}
