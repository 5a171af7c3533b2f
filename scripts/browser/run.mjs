#!/usr/bin/env node
// `npm run test:browser`: the parallel matmul and a small CNN's training in headless Chromium,
// (csp.mjs) a user's bundle training under a strict Content Security Policy, then the momentum
// lab's checks (lab.mjs; `--lab-only` runs just those). .ci/run installs Debian's Chromium when the
// image lacks it. Bundles entry.mjs from src/ with esbuild, serves it on 127.0.0.1 twice — with
// Cross-Origin-Opener-Policy/Embedder-Policy headers (cross-origin isolated: Web Workers share
// the memory) and without (one thread) — and checks what the page reports. Exits 1 on any failed
// check. Needs Debian's Chromium: apt-get install chromium.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { checkStrictCsp } from "./csp.mjs";
import { pageHtml, serve } from "./serve.mjs";
import { labChecks } from "./lab.mjs";

const CHROMIUM = "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));

if (!existsSync(CHROMIUM)) {
  console.error(`test:browser: ${CHROMIUM} not found; install it with: apt-get install chromium`);
  process.exit(1);
}

const bundle = await build({
  entryPoints: [join(here, "entry.mjs")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "chrome120",
  write: false,
  logLevel: "warning",
});
const js = bundle.outputFiles[0].text;
const html = pageHtml("gradtape");

const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

const failures = [];
function check(mode, name, ok, detail) {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${name}${detail === undefined ? "" : `: ${detail}`}`);
  if (!ok) failures.push(`${mode}: ${name}`);
}

const strictlyDecreasing = (xs) => xs.every((x, i) => i === 0 || x < xs[i - 1]);
const sameNumbers = (xs, ys) => xs.length === ys.length && xs.every((x, i) => Object.is(x, ys[i]));

/** The checks on one page's report; `isolated` is what the headers asked for. */
function judge(mode, isolated, r) {
  check(mode, "crossOriginIsolated", r.crossOriginIsolated === isolated, String(r.crossOriginIsolated));
  const expected = isolated ? Math.min(4, r.hardwareConcurrency) : 1;
  check(mode, `getThreads() is ${expected}`, r.defaultThreads === expected, `${r.defaultThreads} (hardwareConcurrency ${r.hardwareConcurrency})`);
  check(mode, "setThreads(1) makes no workers", !r.poolWithOneThread);
  check(mode, "512³ product bit-identical to setThreads(1)", r.firstDifference === -1 && r.firstDifferenceFirstProduct === -1,
    `first differing element ${r.firstDifference}, before the workers were ready ${r.firstDifferenceFirstProduct}`);
  check(mode, "512³ product finite", r.resultIsFinite);
  const ratio = r.gflopsDefault / r.gflopsOneThread;
  console.log(`  512³ float32 matmul: ${r.gflopsOneThread.toFixed(1)} GFLOP/s on 1 thread, ` +
    `${r.gflopsDefault.toFixed(1)} GFLOP/s on ${r.defaultThreads} (${ratio.toFixed(2)}x)`);
  if (isolated) {
    check(mode, "workers made", r.pool !== false);
    check(mode, "the product that started the workers did not wait for them", r.splitBeforeReady === 0);
    check(mode, `threadsReady() resolves with ${r.defaultThreads}`, r.threadsReady === r.defaultThreads, String(r.threadsReady));
    check(mode, "products split, the main thread spinning (Atomics.wait is not allowed there)",
      r.pool.waitMode === "spin" && r.pool.splitProducts > 0 && r.pool.spinWaits >= r.pool.splitProducts && r.pool.blockingWaits === 0,
      JSON.stringify(r.pool));
    check(mode, "training split products", r.splitWhileTraining > 0, String(r.splitWhileTraining));
    console.log(`  (workers started while the page never yielded: ${r.splitWithoutYielding})`);
  } else {
    check(mode, "no workers", r.pool === false && r.threadsReady === 1);
  }
  const losses = r.lossesDefault;
  check(mode, "training loss finite and decreasing", losses.every(Number.isFinite) && strictlyDecreasing(losses),
    losses.map((l) => l.toFixed(5)).join(" → "));
  check(mode, "training losses bit-identical to setThreads(1)", sameNumbers(losses, r.lossesOneThread));
  const cnn = r.cnnLossesDefault;
  check(mode, "CNN training loss finite and decreasing", cnn.every(Number.isFinite) && cnn[cnn.length - 1] < cnn[0], cnn.map((l) => l.toFixed(4)).join(" "));
  check(mode, "CNN training losses bit-identical to setThreads(1)", sameNumbers(cnn, r.cnnLossesOneThread));
}

const userDataDir = mkdtempSync(join(tmpdir(), "gradtape-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  // The machine's network is closed: without these Chromium keeps trying to reach Google.
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  console.log(`Chromium ${context.browser()?.version() ?? "(version unknown)"}`);
  const labOnly = process.argv.includes("--lab-only");
  const modes = labOnly ? [] : [["cross-origin isolated", true], ["not isolated", false]];
  for (const [mode, isolated] of modes) {
    const server = await serve(html, js, isolated ? ISOLATION : {});
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(msg.text());
    });
    try {
      const { port } = server.address();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => typeof globalThis.gradtapeBrowserTest === "function", null, { timeout: 30_000 });
      console.log(`\n${mode} (http://127.0.0.1:${port}/)`);
      const report = await page.evaluate(() => globalThis.gradtapeBrowserTest());
      judge(mode, isolated, report);
    } catch (err) {
      check(mode, "page ran", false, err instanceof Error ? err.message : String(err));
    } finally {
      check(mode, "no errors in the page", errors.length === 0, errors.join(" | ") || undefined);
      await page.close();
      server.close();
    }
  }
  if (!labOnly) await checkStrictCsp(context, check);
  await labChecks(context, check);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\ntest:browser: ${failures.length} failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\ntest:browser: all checks passed");
