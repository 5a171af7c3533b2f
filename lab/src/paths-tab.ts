/**
 * The Paths tab: optimizers side by side on a 2-D function over its contour lines, a step at a
 * time. Every step is examples/paths.ts' `Descent.step` — a tape, `tape.gradient`,
 * `applyGradients` on one of gradtape's optimizers — the code `npm run example:momentum` runs.
 */
import * as gt from "gradtape";
import { Descent, surfaces, type Surface } from "../../examples/paths.js";
import { bindNumbers, byId, el, fitCanvas, formatValue, optimizerToggles, type Store } from "./dom.js";
import { COLORS, hasVelocity, makeOptimizer, OPTIMIZER_KINDS, optimizerLabel, type OptimizerKind } from "./optimizers.js";
import { surfaceById, surfaceDefaults, type Settings } from "./settings.js";

const NOTES: Record<string, string> = {
  rosenbrock: "Rosenbrock's banana valley, minimum 0 at (1, 1). From the article's defaults (lr 0.001, momentum 0.9, start (−1.5, 2)) momentum reaches the tolerance in the same number of steps as `npm run example:momentum` reports: the same code runs here.",
  quadratic: "Curvature 50 along y, 1 along x: SGD's rate is capped by the steep direction and crawls along the shallow one; momentum builds speed along x. Nesterov at lr 0.035 is past its stability limit and diverges.",
  saddle: "A saddle at the origin between two valleys at (0, ±1). Started just off the ridge, SGD creeps along it before it falls off; momentum and the adaptive methods leave sooner.",
  "local-minimum": "A shallow well on the right (f ≈ −0.52) and a deep one on the left (f ≈ −1.51). Plain SGD stops in the shallow one; momentum 0.9 gathers speed on the way down and rolls over the ridge into the deep one.",
};

/** One path being drawn. */
interface Runner {
  kind: OptimizerKind;
  convention: gt.optim.Convention;
  label: string;
  descent: Descent;
}

/** The settings a run depends on; when they change the paths start again. */
function runKey(s: Settings): string {
  const { surface, start, learningRate, adaptiveLearningRate, momentum, tolerance, maxSteps, optimizers, drop, dropFactor, keras } = s;
  return JSON.stringify({ surface, start, learningRate, adaptiveLearningRate, momentum, tolerance, maxSteps, optimizers, drop, dropFactor, keras });
}

/** True once the runner has nothing left to do. */
function finished(r: Runner, maxSteps: number): boolean {
  return r.descent.reached !== undefined || r.descent.diverged || r.descent.steps >= maxSteps;
}

/** The plot's margins in CSS pixels (left for the y ticks, bottom for the x ticks). */
const MARGIN = { left: 40, right: 10, top: 10, bottom: 26 };

/** Mounts the tab on the page's #paths section. */
export function mountPaths(store: Store<Settings>): { refresh(): void } {
  const canvas = byId<HTMLCanvasElement>("paths-canvas");
  const surfaceSelect = byId<HTMLSelectElement>("surface");
  const tbody = byId("paths-table").querySelector("tbody")!;
  const play = byId<HTMLButtonElement>("play");
  const section = byId("paths");

  for (const s of surfaces) surfaceSelect.append(el("option", { value: s.id }, s.name));
  const toggles = optimizerToggles("paths-optimizers", "opt", OPTIMIZER_KINDS, COLORS, (optimizers) => {
    store.set({ optimizers });
    return true;
  });
  // The rates on log sliders, stored with 3 significant digits.
  const showNumbers = bindNumbers(store, [
    { id: "lr", key: "learningRate", log: true },
    { id: "alr", key: "adaptiveLearningRate", log: true },
    { id: "m", key: "momentum" },
    { id: "speed", key: "speed" },
  ], [
    { id: "tol", key: "tolerance", ok: (v) => v > 0 },
    { id: "steps", key: "maxSteps", ok: (v) => Number.isInteger(v) && v >= 1 && v <= 100000 },
    { id: "dropf", key: "dropFactor", ok: (v) => v >= 0 },
  ]);
  let lastDrop = 100;
  byId<HTMLInputElement>("drop-on").addEventListener("change", (e) => store.set({ drop: (e.target as HTMLInputElement).checked ? lastDrop : 0 }));
  byId<HTMLInputElement>("drop").addEventListener("change", (e) => {
    const v = Number((e.target as HTMLInputElement).value);
    if (Number.isInteger(v) && v >= 1) {
      lastDrop = v;
      store.set({ drop: v });
    } else syncControls(store.get());
  });
  byId<HTMLInputElement>("keras").addEventListener("change", (e) => store.set({ keras: (e.target as HTMLInputElement).checked }));
  surfaceSelect.addEventListener("change", () => store.set(surfaceDefaults(surfaceById(surfaceSelect.value))));

  let surface: Surface = surfaceById(store.get().surface);
  let runners: Runner[] = [];
  let key = "";
  let playing = false;
  let toEnd = false;
  let background: HTMLCanvasElement | null = null;
  let ctx: CanvasRenderingContext2D | null = null;
  let size = { width: 0, height: 0 };

  function syncControls(s: Settings): void {
    surfaceSelect.value = s.surface;
    for (const kind of OPTIMIZER_KINDS) {
      toggles.get(kind)!.checked = s.optimizers.includes(kind);
      byId(`opt-${kind}-label`).textContent = optimizerLabel(kind, s);
    }
    showNumbers(s);
    if (s.drop > 0) lastDrop = s.drop;
    byId<HTMLInputElement>("drop-on").checked = s.drop > 0;
    byId<HTMLInputElement>("drop").value = String(lastDrop);
    byId<HTMLInputElement>("keras").checked = s.keras;
    // The notes are this file's own text: backquotes become code.
    byId("surface-note").innerHTML = (NOTES[s.surface] ?? "").replace(/`([^`]+)`/g, "<code>$1</code>");
  }

  function reset(s: Settings): void {
    surface = surfaceById(s.surface);
    const conventions: gt.optim.Convention[] = s.keras ? ["pytorch", "keras"] : ["pytorch"];
    runners = [];
    for (const kind of s.optimizers) {
      for (const convention of conventions) {
        if (convention === "keras" && !hasVelocity(kind)) continue;
        const optimizer = makeOptimizer(kind, { ...s, convention });
        const label = optimizerLabel(kind, s) + (s.keras && hasVelocity(kind) ? (convention === "keras" ? ", Keras" : ", PyTorch") : "");
        runners.push({ kind, convention, label, descent: new Descent(surface, optimizer, s.tolerance, s.start) });
      }
    }
    playing = false;
    toEnd = false;
  }

  // Data ↔ canvas coordinates.
  const px = (x: number) => MARGIN.left + ((x - surface.box.x[0]) / (surface.box.x[1] - surface.box.x[0])) * (size.width - MARGIN.left - MARGIN.right);
  const py = (y: number) => MARGIN.top + ((surface.box.y[1] - y) / (surface.box.y[1] - surface.box.y[0])) * (size.height - MARGIN.top - MARGIN.bottom);
  // Far outside the box (a diverging run) canvas coordinates lose meaning: clamp them.
  const clamp = (v: number) => Math.max(-1e4, Math.min(1e4, v));

  function drawBackground(): HTMLCanvasElement {
    const dpr = window.devicePixelRatio || 1;
    const bg = document.createElement("canvas");
    bg.width = Math.round(size.width * dpr);
    bg.height = Math.round(size.height * dpr);
    const g = bg.getContext("2d")!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#fff";
    g.fillRect(0, 0, size.width, size.height);
    const grid = gt.plot.sampleGrid(surface.f, surface.box.x, surface.box.y, 161, 121);
    const levels = gt.plot.contourLevels(grid.values, 16, surface.levelSpacing);
    levels.forEach((level, i) => {
      // Low levels (near the minimum) darker, so the valley floor stands out.
      const shade = Math.round(120 + (110 * i) / Math.max(1, levels.length - 1));
      g.strokeStyle = `rgb(${shade - 30}, ${shade - 10}, ${shade + 20})`;
      g.lineWidth = 1;
      for (const line of gt.plot.contourLines(grid, level)) {
        g.beginPath();
        line.forEach(([x, y], k) => (k === 0 ? g.moveTo(px(x), py(y)) : g.lineTo(px(x), py(y))));
        g.stroke();
      }
    });
    // Axes: the box's frame and ticks.
    g.strokeStyle = "#98a1ab";
    g.strokeRect(MARGIN.left, MARGIN.top, size.width - MARGIN.left - MARGIN.right, size.height - MARGIN.top - MARGIN.bottom);
    g.fillStyle = "#5b6570";
    g.font = "11px system-ui, sans-serif";
    const ticks = (lo: number, hi: number, n: number) => {
      const t = gt.plot.linearTicks(lo, hi, n);
      return t.map((v) => [v, gt.plot.formatTick(v, t.length > 1 ? t[1]! - t[0]! : 1)] as const);
    };
    g.textAlign = "center";
    g.textBaseline = "top";
    for (const [v, label] of ticks(surface.box.x[0], surface.box.x[1], Math.max(3, Math.floor(size.width / 90)))) g.fillText(label, px(v), size.height - MARGIN.bottom + 6);
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (const [v, label] of ticks(surface.box.y[0], surface.box.y[1], Math.max(3, Math.floor(size.height / 70)))) g.fillText(label, MARGIN.left - 6, py(v));
    // The global minimum.
    const [mx, my] = surface.argmin;
    g.strokeStyle = "#111";
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(px(mx) - 6, py(my) - 6);
    g.lineTo(px(mx) + 6, py(my) + 6);
    g.moveTo(px(mx) + 6, py(my) - 6);
    g.lineTo(px(mx) - 6, py(my) + 6);
    g.stroke();
    return bg;
  }

  function resize(): void {
    if (section.hidden) return;
    const width = canvas.clientWidth;
    if (width === 0) return;
    const height = Math.round(Math.min(width * 0.75, window.innerHeight * 0.7, 620));
    if (width === size.width && height === size.height && ctx !== null) return;
    size = { width, height };
    ctx = fitCanvas(canvas, height);
    background = null;
    render();
  }

  function render(): void {
    if (ctx === null) return;
    background ??= drawBackground();
    const g = ctx;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(background, 0, 0);
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.save();
    g.beginPath();
    g.rect(MARGIN.left, MARGIN.top, size.width - MARGIN.left - MARGIN.right, size.height - MARGIN.top - MARGIN.bottom);
    g.clip();
    // The adaptive methods first, so the SGD family's paths stay visible where they overlap.
    for (const r of [...runners].reverse()) {
      g.strokeStyle = COLORS[r.kind];
      g.lineWidth = r.convention === "keras" ? 2 : 1.75;
      g.setLineDash(r.convention === "keras" ? [6, 4] : []);
      g.beginPath();
      const path = r.descent.path;
      for (let k = 0; k < path.length; k++) {
        const [x, y] = path[k]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) break;
        if (k === 0) g.moveTo(clamp(px(x)), clamp(py(y)));
        else g.lineTo(clamp(px(x)), clamp(py(y)));
      }
      g.stroke();
    }
    g.setLineDash([]);
    for (const r of runners) {
      const last = r.descent.path[r.descent.path.length - 1]!;
      if (!Number.isFinite(last[0]) || !Number.isFinite(last[1])) continue;
      g.fillStyle = COLORS[r.kind];
      g.strokeStyle = "#fff";
      g.lineWidth = 1.5;
      g.beginPath();
      g.arc(clamp(px(last[0])), clamp(py(last[1])), 4.5, 0, 2 * Math.PI);
      g.fill();
      g.stroke();
    }
    const [sx, sy] = store.get().start;
    g.strokeStyle = "#111";
    g.lineWidth = 2;
    g.beginPath();
    g.arc(px(sx), py(sy), 6, 0, 2 * Math.PI);
    g.stroke();
    g.restore();
    renderTable();
  }

  function renderTable(): void {
    const s = store.get();
    tbody.replaceChildren(
      ...runners.map((r) => {
        const d = r.descent;
        const [x, y] = d.path[d.path.length - 1]!;
        const loss = d.losses[d.losses.length - 1]!;
        const fate = d.reached !== undefined ? `step ${d.reached}` : d.diverged ? "diverged" : finished(r, s.maxSteps) ? `not in ${s.maxSteps}` : "…";
        const row = el(
          "tr",
          { "data-kind": r.kind, "data-convention": r.convention, "data-steps": String(d.steps), "data-reached": String(d.reached ?? ""), "data-diverged": String(d.diverged), "data-x": String(x), "data-y": String(y), "data-loss": String(loss) },
          el("td", {}, el("span", { class: `swatch${r.convention === "keras" ? " dashed" : ""}`, style: `background:${COLORS[r.kind]};border-color:${COLORS[r.kind]}` }), r.label),
          el("td", {}, fate),
          el("td", {}, String(d.steps)),
          el("td", {}, d.diverged ? "∞" : formatValue(loss)),
          el("td", {}, d.diverged ? "—" : `(${formatValue(x, 3)}, ${formatValue(y, 3)})`),
        );
        return row;
      }),
    );
    const done = runners.every((r) => finished(r, s.maxSteps));
    section.dataset.done = String(done);
    play.textContent = playing ? "Pause" : "Play";
    play.disabled = done;
    byId<HTMLButtonElement>("step").disabled = done;
    byId<HTMLButtonElement>("finish").disabled = done;
    byId("split").textContent = splitNote(s);
  }

  /** Where PyTorch's and Keras' paths of the same optimizer first part (by more than 1e-9 of the box). */
  function splitNote(s: Settings): string {
    if (!s.keras) return "Tick the box to draw Keras' convention too.";
    const tol = 1e-9 * (surface.box.x[1] - surface.box.x[0]);
    const notes: string[] = [];
    for (const kind of OPTIMIZER_KINDS.filter(hasVelocity)) {
      const pair = runners.filter((r) => r.kind === kind);
      if (pair.length !== 2) continue;
      const [a, b] = [pair[0]!.descent.path, pair[1]!.descent.path];
      let split = -1;
      for (let k = 0; k < Math.min(a.length, b.length); k++) {
        if (Math.hypot(a[k]![0] - b[k]![0], a[k]![1] - b[k]![1]) > tol || !Number.isFinite(a[k]![0] + b[k]![0])) {
          split = k;
          break;
        }
      }
      const name = optimizerLabel(kind, s);
      notes.push(split >= 0 ? `${name}: the conventions split at step ${split}.` : `${name}: the same path so far.`);
    }
    const drop = s.drop > 0 ? `The rate drops ×${s.dropFactor} after step ${s.drop}; PyTorch's steps shrink at once, Keras' velocity still carries the old rate.` : "With a constant rate the two conventions take the same steps: turn on the drop.";
    return `${drop} ${notes.join(" ")}`;
  }

  function frame(): void {
    if (!playing) return;
    const s = store.get();
    const active = runners.filter((r) => !finished(r, s.maxSteps));
    const t0 = performance.now();
    // A time budget keeps the page responsive when stepping is slow; "to the end" takes more per frame.
    const budget = toEnd ? 40 : 12;
    const steps = toEnd ? Infinity : s.speed;
    for (let n = 0; n < steps && active.length > 0 && performance.now() - t0 < budget; n++) {
      for (let i = active.length - 1; i >= 0; i--) {
        active[i]!.descent.step();
        if (finished(active[i]!, s.maxSteps)) active.splice(i, 1);
      }
    }
    if (active.length === 0) playing = toEnd = false;
    render();
    if (playing) requestAnimationFrame(frame);
  }

  function start(all: boolean): void {
    toEnd = all;
    if (!playing) {
      playing = true;
      requestAnimationFrame(frame);
    }
    renderTable();
  }

  play.addEventListener("click", () => {
    if (playing) {
      playing = toEnd = false;
      renderTable();
    } else start(false);
  });
  byId("step").addEventListener("click", () => {
    playing = toEnd = false;
    const s = store.get();
    for (const r of runners) if (!finished(r, s.maxSteps)) r.descent.step();
    render();
  });
  byId("finish").addEventListener("click", () => start(true));
  byId("reset").addEventListener("click", () => {
    reset(store.get());
    render();
  });

  // Click or drag: a new start, snapped to a thousandth of the box; release plays.
  let dragging = false;
  const startFrom = (e: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const fx = (e.clientX - rect.left - MARGIN.left) / (size.width - MARGIN.left - MARGIN.right);
    const fy = (e.clientY - rect.top - MARGIN.top) / (size.height - MARGIN.top - MARGIN.bottom);
    const snap = (f: number, [lo, hi]: [number, number]) => {
      const digits = Math.max(0, Math.ceil(-Math.log10((hi - lo) / 1000)));
      return Number((lo + Math.max(0, Math.min(1, f)) * (hi - lo)).toFixed(digits));
    };
    store.set({ start: [snap(fx, surface.box.x), snap(1 - fy, surface.box.y)] });
  };
  canvas.addEventListener("pointerdown", (e) => {
    dragging = true;
    canvas.setPointerCapture(e.pointerId);
    startFrom(e);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (dragging) startFrom(e);
  });
  const release = () => {
    if (!dragging) return;
    dragging = false;
    start(false);
  };
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);

  new ResizeObserver(resize).observe(canvas);

  return {
    refresh() {
      const s = store.get();
      syncControls(s);
      const k = runKey(s);
      if (k !== key) {
        const surfaceChanged = surface.id !== s.surface;
        key = k;
        reset(s);
        if (surfaceChanged) background = null;
      }
      resize();
      render();
    },
  };
}
