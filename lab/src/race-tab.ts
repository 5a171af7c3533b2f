/**
 * The MNIST race: the same network from the same seed and the same batches, trained with two to
 * four optimizers at once, each in its own Web Worker (lab/src/race-worker.ts), so the page keeps
 * drawing while they train. Live curves, first-layer weights, confusion matrices, and a pad to
 * draw a digit on.
 */
import * as gt from "gradtape";
import { bindNumbers, byId, el, optimizerToggles, type Store } from "./dom.js";
import { COLORS, OPTIMIZER_KINDS, optimizerLabel, type OptimizerKind, type OptimizerSettings } from "./optimizers.js";
import type { DigitArrays, FromWorker, StartMessage, ToWorker } from "./race-protocol.js";
import type { Settings } from "./settings.js";

/** Digits for training and for the held-out score (the rest of the bundled 10,000 are not used). */
const TRAIN_SIZE = 8000;
const TEST_SIZE = 1000;
/** Evaluate on the held-out digits every this many steps. */
const EVAL_EVERY = 25;
/** Training losses are drawn as means over this many steps. */
const LOSS_WINDOW = 10;

/** What the page knows of one racer. */
interface Racer {
  kind: OptimizerKind;
  label: string;
  worker: Worker;
  losses: number[];
  evals: { step: number; accuracy: number; loss: number }[];
  confusion?: number[];
  tiles?: { tiles: Float32Array; tileSide: number; tileCount: number };
  done: boolean;
  /** True when an evaluation arrived that the card does not show yet. */
  fresh: boolean;
  millis?: number;
  probabilities?: number[];
  error?: string;
}

/** The digits, loaded once by gradtape's loader (the split is fixed; the seed only orders the batches). */
async function loadDigits(): Promise<{ train: DigitArrays; test: DigitArrays }> {
  const { train, test } = await Promise.resolve(gt.data.loadMnist({ trainSize: TRAIN_SIZE, testSize: TEST_SIZE, seed: 0 }));
  // Cross-origin isolated, the workers read one copy in shared memory; otherwise each gets its own.
  const share = <T extends Float32Array | Int32Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
    if (!globalThis.crossOriginIsolated) return a;
    const shared = make(new SharedArrayBuffer(a.byteLength));
    shared.set(a);
    return shared;
  };
  const arrays = (split: { x: gt.Tensor; y: gt.Tensor }): DigitArrays => ({
    x: share(split.x.data() as Float32Array, (b) => new Float32Array(b)),
    y: share(split.y.data() as Int32Array, (b) => new Int32Array(b)),
    n: split.y.shape[0]!,
  });
  return { train: arrays(train), test: arrays(test) };
}

/** Mounts the tab on the page's #race section. */
export function mountRace(store: Store<Settings>): { refresh(): void } {
  const status = byId("race-status");
  const startButton = byId<HTMLButtonElement>("race-start");
  const pauseButton = byId<HTMLButtonElement>("race-pause");
  const racersBox = byId("racers");
  let racers: Racer[] = [];
  let digits: Promise<{ train: DigitArrays; test: DigitArrays }> | undefined;
  let paused = false;
  let dirty = false;
  let startedKey = "";
  let predictionId = 0;

  // Two to four racers: a box that would make fewer or more stays as it was.
  const toggles = optimizerToggles("race-optimizers", "race", OPTIMIZER_KINDS, COLORS, (raceOptimizers) => {
    if (raceOptimizers.length < 2 || raceOptimizers.length > 4) return false;
    store.set({ raceOptimizers });
    return true;
  });
  const integer = (min: number, max: number) => (v: number) => Number.isInteger(v) && v >= min && v <= max;
  const showNumbers = bindNumbers(store, [
    { id: "rlr", key: "raceLearningRate", log: true },
    { id: "ralr", key: "raceAdaptiveLearningRate", log: true },
    { id: "rm", key: "raceMomentum" },
  ], [
    { id: "rsteps", key: "raceSteps", ok: integer(1, 100000) },
    { id: "batch", key: "batchSize", ok: integer(1, 1000) },
    { id: "seed", key: "seed", ok: integer(0, 2 ** 31) },
  ]);
  byId<HTMLSelectElement>("model").addEventListener("change", (e) => store.set({ model: (e.target as HTMLSelectElement).value as Settings["model"] }));

  function sync(s: Settings): void {
    for (const kind of OPTIMIZER_KINDS) {
      toggles.get(kind)!.checked = s.raceOptimizers.includes(kind);
      byId(`race-${kind}-label`).textContent = optimizerLabel(kind, { momentum: s.raceMomentum });
    }
    showNumbers(s);
    byId<HTMLSelectElement>("model").value = s.model;
  }

  const raceKey = (s: Settings) =>
    JSON.stringify([s.raceOptimizers, s.raceLearningRate, s.raceAdaptiveLearningRate, s.raceMomentum, s.raceSteps, s.batchSize, s.model, s.seed]);

  function stop(): void {
    for (const r of racers) r.worker.terminate();
    racers = [];
  }

  async function start(): Promise<void> {
    stop();
    renderTimes = [];
    const s = store.get();
    startedKey = raceKey(s);
    paused = false;
    startButton.disabled = true;
    status.textContent = "Loading the bundled digits…";
    let data: { train: DigitArrays; test: DigitArrays };
    try {
      digits ??= loadDigits();
      data = await digits;
    } catch (err) {
      digits = undefined;
      status.textContent = `The digits did not load: ${err instanceof Error ? err.message : String(err)}`;
      status.classList.add("warn");
      startButton.disabled = false;
      return;
    }
    status.classList.remove("warn");
    const optimizer: Omit<OptimizerSettings, "convention"> = {
      learningRate: s.raceLearningRate,
      adaptiveLearningRate: s.raceAdaptiveLearningRate,
      momentum: s.raceMomentum,
      drop: 0,
      dropFactor: 1,
    };
    racers = s.raceOptimizers.map((kind) => {
      const worker = new Worker(new URL("./race-worker.js", import.meta.url), { type: "module", name: `race-${kind}` });
      const racer: Racer = { kind, label: optimizerLabel(kind, optimizer), worker, losses: [], evals: [], done: false, fresh: false };
      worker.onmessage = (e: MessageEvent<FromWorker>) => receive(racer, e.data);
      worker.onerror = (e) => {
        racer.error = e.message || "the worker failed to start";
        changed();
      };
      const message: StartMessage = {
        type: "start", kind, optimizer: { ...optimizer, convention: "pytorch" }, model: s.model, seed: s.seed,
        batchSize: s.batchSize, steps: s.raceSteps, evalEvery: EVAL_EVERY, train: data.train, test: data.test,
      };
      send(worker, message);
      return racer;
    });
    buildCards(s.model);
    startButton.disabled = false;
    changed();
  }

  const send = (w: Worker, m: ToWorker) => w.postMessage(m);

  function receive(r: Racer, m: FromWorker): void {
    if (m.type === "train") r.losses.push(...m.losses);
    else if (m.type === "eval") {
      r.evals.push({ step: m.step, accuracy: m.accuracy, loss: m.loss });
      r.confusion = m.confusion;
      r.tiles = { tiles: m.tiles, tileSide: m.tileSide, tileCount: m.tileCount };
      r.fresh = true;
    } else if (m.type === "done") {
      r.done = true;
      r.millis = m.millis;
    } else if (m.type === "prediction") {
      if (m.id === predictionId) r.probabilities = m.probabilities;
    } else if (m.type === "error") r.error = m.message;
    changed();
  }

  // How long each update took, on the racers' box: the page's own work per frame, which the
  // browser test bounds (the training itself is in the workers).
  let renderTimes: number[] = [];
  function changed(): void {
    if (dirty) return;
    dirty = true;
    requestAnimationFrame(() => {
      dirty = false;
      const t0 = performance.now();
      render();
      renderTimes.push(performance.now() - t0);
      const sorted = [...renderTimes].sort((a, b) => a - b);
      racersBox.dataset.renderMedianMs = sorted[sorted.length >> 1]!.toFixed(1);
      racersBox.dataset.renderLongestMs = sorted[sorted.length - 1]!.toFixed(1);
    });
  }

  function buildCards(model: Settings["model"]): void {
    racersBox.replaceChildren(
      ...racers.map((r) =>
        el(
          "div",
          { class: "racer", "data-kind": r.kind },
          el("h3", {}, el("span", { class: "swatch", style: `background:${COLORS[r.kind]}` }), r.label),
          el("p", { class: "racer-status" }),
          el("div", { class: "racer-body" },
            el("figure", {}, el("canvas", { class: "tiles" }), el("figcaption", {}, model === "cnn" ? "first convolution's 8 filters, 3×3 (red +, blue −)" : "first layer's weights, 16 of 128 units (red +, blue −)")),
            el("figure", {}, el("table", { class: "confusion" }), el("figcaption", {}, "held-out digits: true (rows) × predicted"))),
        ),
      ),
    );
  }

  function render(): void {
    const s = store.get();
    const steps = s.raceSteps;
    for (const r of racers) {
      const card = racersBox.querySelector<HTMLElement>(`.racer[data-kind="${r.kind}"]`);
      if (card === null) continue;
      const last = r.evals[r.evals.length - 1];
      card.dataset.step = String(r.losses.length);
      card.dataset.done = String(r.done);
      card.dataset.accuracy = last === undefined ? "" : String(last.accuracy);
      card.dataset.firstAccuracy = r.evals.length === 0 ? "" : String(r.evals[0]!.accuracy);
      const text = r.error !== undefined
        ? `failed: ${r.error}`
        : `step ${r.losses.length} of ${steps}` + (last === undefined ? "" : ` · held-out accuracy ${(100 * last.accuracy).toFixed(1)}% at step ${last.step}`) +
          (r.done && r.millis !== undefined ? ` · done in ${(r.millis / 1000).toFixed(1)} s` : "");
      card.querySelector(".racer-status")!.textContent = text;
      if (r.fresh && r.tiles !== undefined && r.confusion !== undefined) {
        drawTiles(card.querySelector<HTMLCanvasElement>("canvas.tiles")!, r.tiles);
        drawConfusion(card.querySelector<HTMLTableElement>("table.confusion")!, r.confusion, COLORS[r.kind]);
        r.fresh = false;
      }
    }
    drawCharts();
    drawProbabilities();
    const running = racers.some((r) => !r.done && r.error === undefined);
    pauseButton.disabled = !running;
    pauseButton.textContent = paused ? "Resume" : "Pause";
    racersBox.dataset.state = racers.length === 0 ? "idle" : running ? (paused ? "paused" : "running") : "done";
    const stale = racers.length > 0 && raceKey(s) !== startedKey ? " Settings changed since this race started: start again to apply them." : "";
    if (racers.length > 0) {
      const where = globalThis.crossOriginIsolated ? "the digits in shared memory" : "each with its own copy of the digits (not cross-origin isolated)";
      status.textContent = `${running ? (paused ? "Paused" : "Racing") : "Finished"}: ${racers.length} workers, ${where}.${stale}`;
    }
  }

  function drawCharts(): void {
    const windows = racers.map((r) => {
      const x: number[] = [];
      const y: number[] = [];
      for (let k = LOSS_WINDOW; k <= r.losses.length; k += LOSS_WINDOW) {
        x.push(k);
        y.push(r.losses.slice(k - LOSS_WINDOW, k).reduce((a, b) => a + b, 0) / LOSS_WINDOW);
      }
      return { name: r.label, x, y, color: COLORS[r.kind] };
    });
    const svg = (id: string, options: gt.plot.LineChartOptions) => {
      // The plot module writes standalone documents: drop the XML declaration to inline it.
      byId(id).innerHTML = gt.plot.lineChart(options).replace(/^<\?xml[^>]*>\s*/, "");
    };
    const steps = store.get().raceSteps;
    // Drawn at the width shown (within limits), so that the text keeps its size on a phone.
    const width = Math.max(300, Math.min(640, byId("race-loss").parentElement!.clientWidth || 520));
    const size = { width, height: Math.round(width < 450 ? width * 0.7 : width / 2) };
    if (windows.some((w) => w.y.length > 0)) {
      svg("race-loss", { series: windows.filter((w) => w.y.length > 0), title: `training loss (mean of ${LOSS_WINDOW} batches)`, xLabel: "step", logY: true, ...size, xRange: [0, steps] });
    }
    const accuracy = racers.filter((r) => r.evals.length > 0).map((r) => ({ name: r.label, x: r.evals.map((e) => e.step), y: r.evals.map((e) => 100 * e.accuracy), color: COLORS[r.kind] }));
    if (accuracy.length > 0) svg("race-accuracy", { series: accuracy, title: `accuracy on ${TEST_SIZE} held-out digits (%)`, xLabel: "step", ...size, xRange: [0, steps], yRange: [0, 100] });
  }

  function drawProbabilities(): void {
    const box = byId("pad-probabilities");
    const ready = racers.filter((r) => r.probabilities !== undefined);
    if (ready.length === 0) return;
    box.replaceChildren(
      ...ready.map((r) => {
        const p = r.probabilities!;
        const best = p.indexOf(Math.max(...p));
        return el("div", { class: "probs", "data-kind": r.kind, "data-best": String(best) },
          el("h4", {}, el("span", { class: "swatch", style: `background:${COLORS[r.kind]}` }), `${r.label}: ${best} (${(100 * p[best]!).toFixed(0)}%)`),
          el("div", { class: "bars" }, ...p.map((v, d) => el("div", { class: "bar", title: `${d}: ${(100 * v).toFixed(1)}%` },
            el("span", { class: "fill", style: `height:calc((100% - 14px) * ${v.toFixed(3)});background:${COLORS[r.kind]}` }), el("span", { class: "digit" }, String(d))))));
      }),
    );
  }

  // The curves are drawn at the width shown: draw them again when it changes.
  new ResizeObserver(() => changed()).observe(byId("race-loss").parentElement!);
  startButton.addEventListener("click", () => void start());
  pauseButton.addEventListener("click", () => {
    paused = !paused;
    for (const r of racers) send(r.worker, { type: paused ? "pause" : "resume" });
    render();
  });

  mountPad((pixels) => {
    predictionId++;
    for (const r of racers) {
      r.probabilities = undefined;
      send(r.worker, { type: "predict", id: predictionId, pixels });
    }
  });

  return {
    refresh() {
      sync(store.get());
      render();
    },
  };
}

/** First-layer weights as a grid of tiles, each scaled by its own largest |w|: red positive, blue negative. */
function drawTiles(canvas: HTMLCanvasElement, t: { tiles: Float32Array; tileSide: number; tileCount: number }): void {
  const columns = Math.min(t.tileCount, 4);
  const rows = Math.ceil(t.tileCount / columns);
  const gap = 1;
  const w = columns * (t.tileSide + gap) - gap;
  const h = rows * (t.tileSide + gap) - gap;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const g = canvas.getContext("2d")!;
  const image = g.createImageData(w, h);
  image.data.fill(255);
  const n = t.tileSide * t.tileSide;
  for (let k = 0; k < t.tileCount; k++) {
    let max = 1e-12;
    for (let p = 0; p < n; p++) max = Math.max(max, Math.abs(t.tiles[k * n + p]!));
    const ox = (k % columns) * (t.tileSide + gap);
    const oy = Math.floor(k / columns) * (t.tileSide + gap);
    for (let p = 0; p < n; p++) {
      const v = t.tiles[k * n + p]! / max;
      const i = ((oy + Math.floor(p / t.tileSide)) * w + ox + (p % t.tileSide)) * 4;
      const fade = Math.round(255 * (1 - Math.abs(v)));
      image.data[i] = v > 0 ? 255 : fade;
      image.data[i + 1] = fade;
      image.data[i + 2] = v < 0 ? 255 : fade;
    }
  }
  g.putImageData(image, 0, 0);
}

/** A 10 × 10 confusion matrix: counts, each cell shaded by its share of its row. */
function drawConfusion(table: HTMLTableElement, confusion: number[], color: string): void {
  const head = el("tr", {}, el("th", {}, ""), ...Array.from({ length: 10 }, (_, d) => el("th", {}, String(d))));
  const rows = Array.from({ length: 10 }, (_, t) => {
    const total = confusion.slice(t * 10, t * 10 + 10).reduce((a, b) => a + b, 0) || 1;
    return el("tr", {}, el("th", {}, String(t)), ...Array.from({ length: 10 }, (_, p) => {
      const c = confusion[t * 10 + p]!;
      const share = c / total;
      const alpha = Math.round(share * 230).toString(16).padStart(2, "0");
      return el("td", { style: `background:${color}${alpha};color:${share > 0.5 ? "#fff" : "inherit"}`, title: `true ${t}, predicted ${p}: ${c}` }, c === 0 ? "" : String(c));
    }));
  });
  table.replaceChildren(head, ...rows);
}

/**
 * The drawing pad: white strokes on black, turned into an MNIST-like 28 × 28 image as MNIST's
 * digits were made: the ink's bounding box scaled into 20 × 20, then centred by its centre of mass.
 */
function mountPad(onDigit: (pixels: Float32Array) => void): void {
  const pad = byId<HTMLCanvasElement>("pad");
  const g = pad.getContext("2d", { willReadFrequently: true })!;
  const clear = () => {
    g.fillStyle = "#000";
    g.fillRect(0, 0, pad.width, pad.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
  };
  pad.addEventListener("pointerdown", (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    stroke(last, last);
  });
  pad.addEventListener("pointermove", (e) => {
    if (last === null) return;
    const p = at(e);
    stroke(last, p);
    last = p;
  });
  const end = () => {
    if (last === null) return;
    last = null;
    const pixels = toMnist(pad);
    if (pixels !== null) onDigit(pixels);
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  byId("pad-clear").addEventListener("click", clear);

  function stroke(a: [number, number], b: [number, number]): void {
    g.strokeStyle = "#fff";
    g.lineWidth = pad.width / 13;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.beginPath();
    g.moveTo(a[0], a[1]);
    g.lineTo(b[0], b[1]);
    g.stroke();
  }
}

/** The pad's ink as 784 pixels in [0, 1], or null if the pad is empty. */
export function toMnist(pad: HTMLCanvasElement): Float32Array | null {
  const { width, height } = pad;
  const src = pad.getContext("2d")!.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (src[(y * width + x) * 4]! > 20) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = 20 / Math.max(w, h);
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  const s = small.getContext("2d", { willReadFrequently: true })!;
  s.fillStyle = "#000";
  s.fillRect(0, 0, 28, 28);
  s.imageSmoothingQuality = "high";
  const draw = (dx: number, dy: number) => {
    s.fillRect(0, 0, 28, 28);
    s.drawImage(pad, x0, y0, w, h, dx, dy, w * scale, h * scale);
    return s.getImageData(0, 0, 28, 28).data;
  };
  let data = draw((28 - w * scale) / 2, (28 - h * scale) / 2);
  let [mass, mx, my] = [0, 0, 0];
  for (let p = 0; p < 784; p++) {
    const v = data[p * 4]!;
    mass += v;
    mx += v * (p % 28);
    my += v * Math.floor(p / 28);
  }
  if (mass > 0) data = draw((28 - w * scale) / 2 + 13.5 - mx / mass, (28 - h * scale) / 2 + 13.5 - my / mass);
  const pixels = new Float32Array(784);
  for (let p = 0; p < 784; p++) pixels[p] = data[p * 4]! / 255;
  return pixels;
}
