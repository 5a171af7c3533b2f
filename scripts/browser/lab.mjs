// The momentum lab's checks for `npm run test:browser` (run.mjs calls labChecks): the built lab
// (scripts/lab-build.mjs) served on 127.0.0.1 with and without cross-origin isolation, driven
// through its own controls. Screenshots of each tab, desktop and phone width, go to
// build/lab-screenshots/ to be looked at.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLab } from "../lab-build.mjs";
import { ISOLATION, serveStatic } from "../lab-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** What the Node example reports for Rosenbrock with momentum from the article's defaults: the same function. */
async function nodeRosenbrockSteps() {
  const gt = await import(join(root, "dist/index.js"));
  const { descend, rosenbrock } = await import(join(root, "build/examples/paths.js"));
  return descend(rosenbrock, new gt.optim.SGD({ learningRate: rosenbrock.learningRate, momentum: 0.9 }), rosenbrock.maxSteps, rosenbrock.tolerance).reached;
}

/** Opens `hash` on a fresh page, with console errors collected. */
async function open(context, base, hash, viewport = { width: 1280, height: 900 }) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  await page.goto(`${base}/${hash}`);
  // main.js has run once it has said how many threads it has.
  await page.waitForFunction(() => document.getElementById("threads")?.textContent !== "", null, { timeout: 30_000 });
  return { page, errors };
}

/** Clicks "To the end" and waits for every path to finish; returns the table's rows as data. */
async function runPaths(page) {
  await page.click("#finish");
  await page.waitForFunction(() => document.getElementById("paths")?.dataset.done === "true", null, { timeout: 120_000 });
  return page.$$eval("#paths-table tbody tr", (rows) => rows.map((r) => ({ ...r.dataset })));
}

/** The held-out accuracy both racers must pass after RACE_STEPS steps (measured: SGD 89%, momentum 93%). */
export const RACE_FLOOR = 0.85;
const RACE_STEPS = 300;

/**
 * A two-optimizer race (SGD and momentum 0.9, lr 0.05, batch 64, seed 1) of RACE_STEPS steps: both
 * workers pass the floor, start from the same network, and the page's main thread keeps ticking
 * while they train; then a stroke on the pad gets probabilities from both.
 */
export async function raceChecks(context, base, check, mode, pages) {
  const race = await open(context, base, `#tab=race&race=sgd,momentum&rsteps=${RACE_STEPS}`);
  pages.push(race);
  const { page } = race;
  // A 20 ms interval on the page's thread: its longest gap while the workers train says whether the page froze.
  await page.evaluate(() => {
    const ticks = (globalThis.labTicks = []);
    setInterval(() => ticks.push([performance.now(), document.getElementById("racers").dataset.state]), 20);
  });
  const t0 = Date.now();
  await page.click("#race-start");
  await page.waitForFunction(() => ["done"].includes(document.getElementById("racers").dataset.state) || /did not load|failed/.test(document.body.textContent), null, { timeout: 600_000 });
  const seconds = (Date.now() - t0) / 1000;
  const cards = await page.$$eval(".racer", (cs) => cs.map((c) => ({ ...c.dataset, status: c.querySelector(".racer-status").textContent })));
  const status = await page.textContent("#race-status");
  check(mode, "the race ran in two workers", cards.length === 2 && cards.every((c) => c.done === "true" && Number(c.step) === RACE_STEPS), `${status} ${cards.map((c) => c.status).join(" | ")}`);
  for (const c of cards) {
    check(mode, `${c.kind}: held-out accuracy after ${RACE_STEPS} steps above ${100 * RACE_FLOOR}%`, Number(c.accuracy) > RACE_FLOOR,
      `${(100 * Number(c.accuracy)).toFixed(1)}% (from ${(100 * Number(c.firstAccuracy)).toFixed(1)}% at step 0)`);
  }
  check(mode, "both racers start from the same network (the same accuracy before the first step)", cards.length === 2 && cards[0].firstAccuracy === cards[1].firstAccuracy && cards[0].firstAccuracy !== "");
  // The page's own work per update (curves, tiles, matrices) must stay short; the training is in the workers.
  // The median, as the machine's other load stretches single updates (measured: 1-10 ms typical, outliers past 150 ms at load 20).
  const render = await page.$eval("#racers", (r) => ({ median: Number(r.dataset.renderMedianMs), longest: Number(r.dataset.renderLongestMs) }));
  check(mode, "the page's median update while the workers trained took under 25 ms", render.median < 25, `median ${render.median} ms, longest ${render.longest} ms`);
  // Information only: how long the page's thread went without running a 20 ms timer (the machine's load shows here).
  const longest = await page.evaluate(() => {
    const t = globalThis.labTicks;
    let gap = 0;
    for (let i = 1; i < t.length; i++) if (t[i - 1][1] === "running" && t[i][1] === "running") gap = Math.max(gap, t[i][0] - t[i - 1][0]);
    return gap;
  });
  console.log(`    longest gap between the page's 20 ms timer ticks while racing: ${longest.toFixed(0)} ms`);
  console.log(`    race of ${RACE_STEPS} steps in ${seconds.toFixed(1)} s: ${cards.map((c) => `${c.kind} ${(100 * Number(c.accuracy)).toFixed(1)}%`).join(", ")}`);

  // A vertical stroke on the pad: a "1" to both networks.
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const box = await page.locator("#pad").boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.5, { steps: 6 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelectorAll(".probs").length === 2, null, { timeout: 30_000 });
  const guesses = await page.$$eval(".probs", (ps) => ps.map((p) => p.dataset.best));
  check(mode, "a stroke drawn on the pad is a 1 to both networks", guesses.join(",") === "1,1", guesses.join(","));
  return page;
}

/** The CNN option: a shorter race (each step costs more), its own floor (measured: SGD 82%, momentum 93% after 100 steps). */
const CNN_STEPS = 100;
const CNN_FLOOR = 0.7;

/** A CNN race of CNN_STEPS steps: both workers pass CNN_FLOOR. */
export async function cnnRaceCheck(context, base, check, mode, pages) {
  const race = await open(context, base, `#tab=race&race=sgd,momentum&model=cnn&rsteps=${CNN_STEPS}`);
  pages.push(race);
  await race.page.click("#race-start");
  await race.page.waitForFunction(() => document.getElementById("racers").dataset.state === "done" || /did not load|failed/.test(document.body.textContent), null, { timeout: 600_000 });
  const cards = await race.page.$$eval(".racer", (cs) => cs.map((c) => ({ ...c.dataset })));
  check(mode, `CNN race: both workers above ${100 * CNN_FLOOR}% held out after ${CNN_STEPS} steps`, cards.length === 2 && cards.every((c) => Number(c.accuracy) > CNN_FLOOR),
    cards.map((c) => `${c.kind} ${(100 * Number(c.accuracy)).toFixed(1)}%`).join(", "));
}

/**
 * The docs site's layout (`npm run docs`: typedoc copies docs/momentum-lab.html into media/, the lab
 * is built into lab/): the home page's link lands on the lab, whose link leads back.
 */
async function docsLinkCheck(context, check) {
  const site = mkdtempSync(join(tmpdir(), "gt-lab-site-"));
  const mode = "lab in the docs site";
  console.log(`\n${mode}`);
  const server = await serveStatic(site, 0);
  try {
    mkdirSync(join(site, "media"));
    copyFileSync(join(root, "docs/momentum-lab.html"), join(site, "media/momentum-lab.html"));
    await buildLab(join(site, "lab"));
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/media/momentum-lab.html`);
    await page.waitForURL(/\/lab\/index\.html/, { timeout: 30_000 });
    await page.waitForSelector("#paths-table tbody tr", { timeout: 30_000 });
    const back = await page.$eval("#docs-link", (e) => !e.hidden && e.querySelector("a").href);
    check(mode, "media/momentum-lab.html leads to lab/index.html, which links back to ../index.html", back === `http://127.0.0.1:${server.address().port}/index.html`, String(back));
    await page.close();
  } finally {
    server.close();
    rmSync(site, { recursive: true, force: true });
  }
}

/**
 * Runs the lab's checks in `context` (a Playwright browser context); `check(mode, name, ok, detail)` records each.
 */
export async function labChecks(context, check) {
  const dir = await buildLab(join(root, "build/lab"));
  const shots = join(root, "build/lab-screenshots");
  mkdirSync(shots, { recursive: true });
  const expectedSteps = await nodeRosenbrockSteps();
  await docsLinkCheck(context, check);
  for (const [mode, headers] of [["lab, cross-origin isolated", ISOLATION], ["lab, not isolated", {}]]) {
    const server = await serveStatic(dir, 0, headers);
    const base = `http://127.0.0.1:${server.address().port}`;
    console.log(`\n${mode} (${base}/)`);
    const pages = [];
    try {
      const first = await open(context, base, "");
      pages.push(first);
      const isolated = await first.page.evaluate(() => globalThis.crossOriginIsolated);
      check(mode, "crossOriginIsolated as the headers say", isolated === (headers === ISOLATION), String(isolated));
      const note = await first.page.textContent("#threads");
      check(mode, "the page says whether it runs on one thread", isolated ? /Cross-origin isolated/.test(note) : /one thread/.test(note), note);

      const kinds = await first.page.$$eval("#paths-table tbody tr", (rows) => rows.map((r) => r.dataset.kind).join(","));
      check(mode, "a bare link shows all five optimizers", kinds === "sgd,momentum,nesterov,adam,rmsprop", kinds);
      // The article's Rosenbrock run: the step count the Node example reports.
      const article = await open(context, base, "#f=rosenbrock&opt=sgd,momentum,nesterov&steps=1000");
      pages.push(article);
      const rows = await runPaths(article.page);
      const momentum = rows.find((r) => r.kind === "momentum");
      check(mode, `Rosenbrock, momentum 0.9 at lr 0.001 from (−1.5, 2) reaches 1e-4 in the Node example's ${expectedSteps} steps`,
        momentum !== undefined && Number(momentum.reached) === expectedSteps, `page: ${momentum?.reached}`);
      console.log(`    ${rows.map((r) => `${r.kind} ${r.reached || `not reached (${r.steps} steps, loss ${Number(r.loss).toPrecision(3)})`}`).join(", ")}`);

      // The local minimum: SGD stays in the shallow well, momentum rolls into the deep one.
      const local = await open(context, base, "#f=local-minimum&opt=sgd,momentum");
      pages.push(local);
      const [sgd, mom] = await runPaths(local.page);
      check(mode, "local minimum: SGD stuck in the shallow well (x > 0, tolerance never reached)",
        sgd.kind === "sgd" && Number(sgd.x) > 0.5 && sgd.reached === "" && Number(sgd.loss) > -0.6, `x ${Number(sgd.x).toFixed(3)}, loss ${Number(sgd.loss).toFixed(4)}, ${sgd.steps} steps`);
      check(mode, "local minimum: momentum past the ridge in the deep well (x < 0, tolerance reached)",
        mom.kind === "momentum" && Number(mom.x) < -0.9 && mom.reached !== "", `x ${Number(mom.x).toFixed(3)}, loss ${Number(mom.loss).toFixed(4)}, reached at step ${mom.reached}`);

      // PyTorch's and Keras' conventions part right after the drop.
      const split = await open(context, base, "#f=rosenbrock&opt=momentum&keras=1&drop=100");
      pages.push(split);
      await runPaths(split.page);
      const splitNote = await split.page.textContent("#split");
      check(mode, "with the rate dropped after step 100, the conventions split at step 101", /split at step 101\b/.test(splitNote), splitNote);

      // A click on the plot starts every path there (the plot's margins: 40 px left, 10 right and top, 26 bottom).
      const clicked = await open(context, base, "#f=rosenbrock&opt=momentum");
      pages.push(clicked);
      const box = await clicked.page.locator("#paths-canvas").boundingBox();
      await clicked.page.mouse.click(box.x + 40 + 0.25 * (box.width - 50), box.y + 10 + 0.5 * (box.height - 36));
      await clicked.page.waitForFunction(() => Number(document.querySelector("#paths-table tbody tr")?.dataset.steps) > 0, null, { timeout: 30_000 });
      const at = new URLSearchParams((await clicked.page.evaluate(() => location.hash)).slice(1));
      check(mode, "a click on the plot at (−1, 1) starts the paths there and plays them", Math.abs(Number(at.get("x")) + 1) < 0.02 && Math.abs(Number(at.get("y")) - 1) < 0.02,
        `x=${at.get("x")}, y=${at.get("y")}`);

      // A link with settings restores them, and the page writes them back unchanged.
      const hash = "#tab=paths&f=saddle&x=-2&y=0.5&lr=0.02&alr=0.1&m=0.8&tol=0.01&steps=500&opt=sgd,adam&keras=1&drop=50&dropf=0.5&speed=7&seed=7&race=momentum,adam,rmsprop&rlr=0.1&batch=32";
      const restored = await open(context, base, hash);
      pages.push(restored);
      const seen = await restored.page.evaluate(() => ({
        surface: document.getElementById("surface").value,
        lr: document.getElementById("lr-out").textContent,
        alr: document.getElementById("alr-out").textContent,
        m: document.getElementById("m").value,
        tol: document.getElementById("tol").value,
        steps: document.getElementById("steps").value,
        drop: document.getElementById("drop-on").checked && document.getElementById("drop").value,
        dropf: document.getElementById("dropf").value,
        keras: document.getElementById("keras").checked,
        speed: document.getElementById("speed-out").textContent,
        kinds: [...document.querySelectorAll("#paths-table tbody tr")].map((r) => r.dataset.kind).join(","),
        hash: location.hash,
      }));
      const want = { surface: "saddle", lr: "0.02", alr: "0.1", m: "0.8", tol: "0.01", steps: "500", drop: "50", dropf: "0.5", keras: true, speed: "7", kinds: "sgd,adam" };
      const wrong = Object.entries(want).filter(([k, v]) => seen[k] !== v).map(([k, v]) => `${k}: ${JSON.stringify(seen[k])} ≠ ${JSON.stringify(v)}`);
      check(mode, "a link's settings show in the controls", wrong.length === 0, wrong.join("; ") || undefined);
      const given = new URLSearchParams(hash.slice(1));
      const kept = new URLSearchParams(seen.hash.slice(1));
      const lost = [...given].filter(([k, v]) => kept.get(k) !== v).map(([k, v]) => `${k}=${v} became ${kept.get(k)}`);
      check(mode, "the page's own hash keeps every setting of the link", lost.length === 0, lost.join("; ") || undefined);
      const start = await restored.page.$eval("#paths-table tbody tr", (r) => r.dataset.steps === "0");
      check(mode, "the start (−2, 0.5) is the link's", start && /x=-2&y=0.5/.test(seen.hash));

      const bad = await open(context, base, "#f=nowhere&lr=-3&opt=sgd,warp");
      pages.push(bad);
      const ignored = await bad.page.textContent("#ignored");
      check(mode, "a link with bad values says what it ignored", /f=nowhere/.test(ignored) && /lr=-3/.test(ignored) && /opt=sgd,warp/.test(ignored), ignored);

      const racePage = await raceChecks(context, base, check, mode, pages);

      if (headers === ISOLATION) {
        await cnnRaceCheck(context, base, check, mode, pages);
        await racePage.screenshot({ path: join(shots, "race-desktop.png"), fullPage: true });
        await racePage.setViewportSize({ width: 390, height: 844 });
        await racePage.waitForTimeout(300); // the curves are drawn again at the new width
        await racePage.screenshot({ path: join(shots, "race-phone.png"), fullPage: true });
        for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
          const shot = await open(context, base, "#f=rosenbrock&keras=1&drop=300", viewport);
          pages.push(shot);
          await runPaths(shot.page);
          await shot.page.screenshot({ path: join(shots, `paths-${name}.png`), fullPage: true });
        }
        console.log(`  screenshots in ${shots}`);
      }
    } catch (err) {
      check(mode, "lab ran", false, err instanceof Error ? err.message : String(err));
    } finally {
      const errors = pages.flatMap((p) => p.errors);
      check(mode, "no errors in the lab's pages", errors.length === 0, errors.join(" | ") || undefined);
      for (const p of pages) await p.page.close();
      server.close();
    }
  }
}
