/**
 * Contour plots of 2-D functions with optimizer paths on top, as standalone SVG.
 *
 * @module
 */
import { optionNames, requiredOptions } from "../util/options.js";
import { clipPolyline } from "./clip.js";
import { checkBox, contourLevels, contourLines, sampleGrid } from "./contour.js";
import { arrowhead, checkSize, drawAxes, drawLegend, layoutFrame, marker, openSvg, pathData, type LegendEntry, type MarkerShape } from "./frame.js";
import { linearScale } from "./scale.js";
import { el, fmt, formatNumber } from "./xml.js";

/** An optimizer trajectory: one `[x, y]` per step, starting point first. */
export interface PathSeries {
  /** Legend label (escaped). */
  name: string;
  /** Points visited; non-finite points end the path (reported as divergence). */
  points: ReadonlyArray<readonly [number, number]>;
  /** Stroke colour; defaults to the next colour of a palette chosen to stand out from the contours. */
  color?: string;
}

/** Options for {@link contourPlot}. */
export interface ContourPlotOptions {
  /** The function to draw; may return non-finite values (those cells are left blank). */
  f: (x: number, y: number) => number;
  /** Plotted x interval `[min, max]`. */
  xRange: [number, number];
  /** Plotted y interval `[min, max]`. */
  yRange: [number, number];
  /** Number of automatically spaced levels (default 12), or the exact level values. */
  levels?: number | number[];
  /** Spacing of automatic levels, see {@link contourLevels}; default `"linear"`. */
  levelSpacing?: "linear" | "log";
  /** Grid samples along each axis, default 100 (so 100 × 100 evaluations of `f`). */
  resolution?: number;
  /** Trajectories drawn over the contours. */
  paths?: PathSeries[];
  /** Title above the plot. */
  title?: string;
  /** X axis label. */
  xLabel?: string;
  /** Y axis label. */
  yLabel?: string;
  /** Total width in px, default 600. */
  width?: number;
  /** Total height in px, default 560. */
  height?: number;
  /** Most markers drawn per path; longer paths get every k-th point marked. Default 60. */
  maxMarkers?: number;
  /**
   * Use the same pixel length for one unit of x and of y (the plot area is
   * shrunk and centred), so angles and step lengths along paths look true.
   * Default false.
   */
  equalAspect?: boolean;
}

/** Reds, oranges, magentas and black: distinct from the blue-green contour ramp. */
const PATH_PALETTE: readonly string[] = ["#d62728", "#ff7f0e", "#e377c2", "#000000", "#8c564b", "#bcbd22", "#9467bd"];

/**
 * Paths often share a route (momentum follows SGD down the same valley), so
 * each one differs in more than colour: the first is drawn widest and solid,
 * later ones narrower and dashed on top of it, and each ends in its own shape.
 */
const PATH_STYLES: ReadonlyArray<{ width: number; dash?: string; cap: "round" | "butt"; shape: MarkerShape }> = [
  { width: 3.5, cap: "round", shape: "square" },
  { width: 2.25, dash: "9 4", cap: "butt", shape: "triangle" },
  { width: 2.5, dash: "0.5 5", cap: "round", shape: "diamond" }, // round caps turn the short dashes into dots
  { width: 1.75, dash: "12 3 3 3", cap: "butt", shape: "circle" },
];

/** Dark (low) to light (high), a viridis-like ramp that stays visible on white. */
const LEVEL_RAMP: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [170, 210, 60],
];

function rampColor(t: number): string {
  const s = Math.min(1, Math.max(0, t)) * (LEVEL_RAMP.length - 1);
  const k = Math.min(LEVEL_RAMP.length - 2, Math.floor(s));
  const u = s - k;
  const a = LEVEL_RAMP[k]!;
  const b = LEVEL_RAMP[k + 1]!;
  const hex = (i: number): string =>
    Math.round(a[i]! + (b[i]! - a[i]!) * u)
      .toString(16)
      .padStart(2, "0");
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

/**
 * Renders iso-lines of `f` over a box plus optimizer paths, as a standalone SVG.
 *
 * Contours come from marching squares on a regular grid (see
 * {@link marchingSquares}). Paths are drawn as polylines with a marker per
 * step (hollow at the start); parts outside the box are clipped exactly at
 * its border, and a path is cut at its first non-finite point. Both cases
 * are stated in the legend ("left the plot at step k", "diverged at step k"),
 * so the picture never silently hides what happened. Output is deterministic
 * and never contains `NaN`/`Infinity`.
 *
 * @param options - Function, box, levels, paths and labels.
 * @returns SVG document text.
 * @throws Error if a range is empty or non-finite, `resolution` is not an
 *   integer in [3, 1000], `levels` is not a positive integer or an array of
 *   finite numbers, a size is out of range, or a path is not an array of
 *   `[x, y]` pairs (the message names the path and step).
 * @example
 * ```ts
 * const rosen = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
 * const svg = contourPlot({
 *   f: rosen, xRange: [-2, 2], yRange: [-1, 3], levels: 15, levelSpacing: "log",
 *   paths: [{ name: "SGD + momentum", points: trajectory }],
 * });
 * ```
 */
export function contourPlot(options: ContourPlotOptions): string {
  requiredOptions("contourPlot", options, optionNames<ContourPlotOptions>({
    f: true, xRange: true, yRange: true, levels: true, levelSpacing: true, resolution: true, paths: true,
    title: true, xLabel: true, yLabel: true, width: true, height: true, maxMarkers: true, equalAspect: true,
  }), "contourPlot({ f: (x, y) => x * x + y * y, xRange: [-2, 2], yRange: [-2, 2] })");
  const fn = "contourPlot";
  checkBox(options.xRange, "xRange", fn);
  checkBox(options.yRange, "yRange", fn);
  if (typeof options.f !== "function") throw new Error(`${fn}: options.f must be a function (x, y) => number`);
  const width = checkSize(options.width, 600, "width", fn);
  const height = checkSize(options.height, 560, "height", fn);
  const resolution = options.resolution ?? 100;
  if (!Number.isInteger(resolution) || resolution < 3 || resolution > 1000) {
    throw new Error(`${fn}: resolution must be an integer in [3, 1000], got ${resolution}`);
  }
  const maxMarkers = options.maxMarkers ?? 60;
  if (!Number.isInteger(maxMarkers) || maxMarkers < 0) {
    throw new Error(`${fn}: maxMarkers must be a non-negative integer, got ${maxMarkers}`);
  }

  const grid = sampleGrid(options.f, options.xRange, options.yRange, resolution);
  const lv = options.levels ?? 12;
  let levels: number[];
  if (Array.isArray(lv)) {
    lv.forEach((v, k) => {
      if (!Number.isFinite(v)) throw new Error(`${fn}: levels[${k}] = ${v} is not a finite number`);
    });
    levels = [...lv].sort((a, b) => a - b);
  } else {
    if (!Number.isInteger(lv) || lv < 1) throw new Error(`${fn}: levels must be a positive integer or an array, got ${lv}`);
    levels = contourLevels(grid.values, lv, options.levelSpacing ?? "linear");
  }

  const paths = options.paths ?? [];
  const box = { x0: options.xRange[0], x1: options.xRange[1], y0: options.yRange[0], y1: options.yRange[1] };
  const prepared = paths.map((p, k) => {
    if (!Array.isArray(p.points)) throw new Error(`${fn}: paths[${k}] ("${p.name}").points must be an array of [x, y]`);
    const xs = new Float64Array(p.points.length);
    const ys = new Float64Array(p.points.length);
    p.points.forEach((pt, i) => {
      if (!Array.isArray(pt) || pt.length !== 2) {
        throw new Error(`${fn}: paths[${k}] ("${p.name}").points[${i}] is not an [x, y] pair`);
      }
      xs[i] = pt[0];
      ys[i] = pt[1];
    });
    const clipped = clipPolyline(xs, ys, box, true, false);
    const style = PATH_STYLES[k % PATH_STYLES.length]!;
    return { p, xs, ys, clipped, style, color: p.color ?? PATH_PALETTE[k % PATH_PALETTE.length]! };
  });

  const legend: LegendEntry[] = [];
  if (levels.length) {
    const range =
      levels.length === 1 ? formatNumber(levels[0]!) : `${formatNumber(levels[0]!)} … ${formatNumber(levels[levels.length - 1]!)}`;
    legend.push({ label: `f: ${levels.length} level${levels.length === 1 ? "" : "s"}, ${range}`, color: rampColor(0.5) });
  }
  for (const { p, clipped, color, style } of prepared) {
    const notes: string[] = [];
    if (clipped.firstNonFinite >= 0) notes.push(`diverged at step ${clipped.firstNonFinite}`);
    if (clipped.firstOutside >= 0) notes.push(`left the plot at step ${clipped.firstOutside}`);
    legend.push({
      label: p.name + (notes.length ? ` (${notes.join("; ")})` : ""),
      color,
      dash: style.dash,
      width: style.width,
      cap: style.cap,
      shape: style.shape,
      exit: clipped.exits.length > 0,
    });
  }

  const spec = {
    width,
    height,
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    x: linearScale(box.x0, box.x1, false, 6),
    y: linearScale(box.y0, box.y1, false, 6),
    legend,
    equalAspect: options.equalAspect === true,
  };
  const frame = layoutFrame(spec);
  const toPx = (run: ReadonlyArray<readonly [number, number]>): Array<[number, number]> =>
    run.map(([x, y]) => [frame.px(x), frame.py(y)]);

  let body = drawAxes(spec, frame);
  const contourParts = levels.map((level, k) => {
    const d = pathData(contourLines(grid, level).map(toPx));
    if (!d) return "";
    return el("path", {
      d,
      stroke: rampColor(levels.length === 1 ? 0.5 : k / (levels.length - 1)),
      "data-level": formatNumber(level),
    });
  });
  body += el("g", { class: "contours", fill: "none", "stroke-width": 1 }, contourParts.filter(Boolean).join("\n")) + "\n";

  // All lines first, widest first, then every path's markers: a marker is never hidden under a later line.
  const lines: string[] = [];
  const marks: string[] = [];
  for (const { xs, ys, clipped, color, style } of prepared) {
    const d = pathData(clipped.runs.map(toPx));
    if (d) {
      lines.push(
        el("path", {
          d,
          fill: "none",
          stroke: color,
          "stroke-width": style.width,
          "stroke-dasharray": style.dash,
          "stroke-linejoin": "round",
          "stroke-linecap": style.cap,
        }),
      );
    }
    // Markers only on real, finite, in-box steps: clip points are not steps.
    const last = clipped.firstNonFinite >= 0 ? clipped.firstNonFinite : xs.length;
    const every = maxMarkers > 0 ? Math.max(1, Math.ceil(last / maxMarkers)) : Infinity;
    const dots: string[] = [];
    const ends: string[] = [];
    for (let i = 0; i < last; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (x < box.x0 || x > box.x1 || y < box.y0 || y > box.y1) continue;
      const cx = frame.px(x);
      const cy = frame.py(y);
      if (i === 0) {
        ends.push(el("circle", { class: "start", cx, cy, r: 4.5, fill: "#ffffff", stroke: color, "stroke-width": 2 }));
      } else if (i % every === 0 || i === last - 1) {
        dots.push(`<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="2"/>`);
      }
      if (i === last - 1 && i > 0) ends.push(marker(style.shape, cx, cy, 5, color, "end"));
    }
    // Where the path leaves the plot, an arrowhead on the border points the way it went.
    for (const exit of clipped.exits) {
      const [ex, ey] = exit.at;
      const [ux, uy] = exit.toward;
      const sx = (frame.px(box.x1) - frame.px(box.x0)) / (box.x1 - box.x0);
      const sy = (frame.py(box.y0) - frame.py(box.y1)) / (box.y1 - box.y0);
      ends.push(arrowhead(frame.px(ex), frame.py(ey), ux * sx, -uy * sy, color));
    }
    marks.push(el("g", { class: "path", fill: color }, [...dots, ...ends].join("")));
  }
  body += el("g", { class: "path-lines" }, lines.join("\n")) + "\n";
  body += marks.join("\n") + "\n";
  body += drawLegend(legend, frame);
  return openSvg(width, height, options.title) + body + "</svg>\n";
}

