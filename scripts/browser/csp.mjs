// The strict-CSP page of `npm run test:browser`: a user's script (csp-user.mjs) that imports
// gradtape, bundled with esbuild, served with
//   Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'
// (WebAssembly allowed, `eval` and `new Function` refused), must load the bundled digits and
// train. The same bundle run under Node gives the values to compare against.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { pageHtml, serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const CSP = "script-src 'self' 'wasm-unsafe-eval'";
// What Chromium logs when gradtape's one probe of `new Function` is refused.
const REFUSED = /Refused to evaluate a string as JavaScript/;

async function bundle(platform) {
  const result = await build({
    entryPoints: [join(here, "csp-user.mjs")],
    bundle: true,
    format: "esm",
    platform,
    target: platform === "browser" ? "chrome120" : "node20",
    // The user's `import * as gt from "gradtape"`, resolved to this checkout's sources.
    alias: { gradtape: join(root, "src/index.ts") },
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0].text;
}

/** Runs the checks in a new page of `context`, reporting each through `check(mode, name, ok, detail)`. */
export async function checkStrictCsp(context, check) {
  const mode = "strict CSP";
  const [browserJs, nodeJs] = await Promise.all([bundle("browser"), bundle("node")]);

  const dir = mkdtempSync(join(tmpdir(), "gradtape-csp-"));
  let expected;
  try {
    const file = join(dir, "csp-user.node.mjs");
    writeFileSync(file, nodeJs);
    await import(pathToFileURL(file).href);
    expected = await globalThis.gradtapeCspResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const server = await serve(pageHtml("gradtape under a strict CSP"), browserJs, { "Content-Security-Policy": CSP });
  const page = await context.newPage();
  const errors = [];
  const refusals = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    (REFUSED.test(msg.text()) ? refusals : errors).push(msg.text());
  });
  try {
    const { port } = server.address();
    console.log(`\n${mode} (http://127.0.0.1:${port}/, Content-Security-Policy: ${CSP})`);
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => globalThis.gradtapeCspResult !== undefined, null, { timeout: 30_000 });
    const r = await page.evaluate(() => globalThis.gradtapeCspResult);
    check(mode, "the policy is in force (new Function throws EvalError)", r.codeGenerationRefused);
    check(mode, "the bundled digits load, the same as in Node", JSON.stringify(r.digits) === JSON.stringify(expected.digits),
      `${r.digits.trainShape.join("×")} in ${r.loadMs.toFixed(0)} ms (Node ${expected.loadMs.toFixed(0)} ms), ink ${r.digits.inkSum} (Node ${expected.digits.inkSum})`);
    const l = r.losses;
    check(mode, "training loss finite and falling", l.every(Number.isFinite) && l[l.length - 1] < 0.7 * l[0],
      `${l[0].toFixed(4)} → ${l[l.length - 1].toFixed(4)} in ${l.length} steps`);
    const same = l.length === expected.losses.length && l.every((v, i) => Math.abs(v - expected.losses[i]) <= 1e-4 * Math.abs(expected.losses[i]));
    check(mode, "losses match Node's, where ndarray-ops runs (to 1e-4)", same, `Node: ${expected.losses[0].toFixed(4)} → ${expected.losses.at(-1).toFixed(4)}`);
    check(mode, "a large general broadcast is right without ndarray-ops", r.broadcastRight);
    // Exactly once: its probe before the first large strided op, then plain loops for good.
    check(mode, "gradtape tried code generation once", r.gradtapeViolations.length === 1 && refusals.length <= 2,
      `${r.gradtapeViolations.length} violation event(s) before the test's own probe: ${r.gradtapeViolations.join(", ")}`);
  } catch (err) {
    check(mode, "page ran", false, err instanceof Error ? err.message : String(err));
  } finally {
    check(mode, "no other errors in the page", errors.length === 0, errors.join(" | ") || undefined);
    await page.close();
    server.close();
  }
}
