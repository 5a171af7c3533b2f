/**
 * Shared chart furniture: layout, axes with ticks and grid, title, legend.
 * Internal to the plot module; charts compose these pieces.
 *
 * @module
 */
import type { Box } from "./clip.js";
import type { Scale } from "./scale.js";
import { el, escapeXml, fmt, text } from "./xml.js";

/** Font size used for tick labels and legend text, in px. */
export const FONT_SIZE = 12;
const TITLE_SIZE = 15;
/** Rough advance width of an average sans-serif glyph; SVG has no text metrics without a renderer. */
const CHAR_W = 0.6 * FONT_SIZE;
const LEGEND_SAMPLE = 22;
const LEGEND_ROW = 18;

/** Ten distinguishable colours (Tableau 10), used in order for series without a colour. */
export const PALETTE: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** Shapes that tell paths apart where their lines overlap (a path's end, a series' points). */
export type MarkerShape = "circle" | "square" | "triangle" | "diamond";

/** One legend row. */
export interface LegendEntry {
  label: string;
  color: string;
  dashed?: boolean;
  /** An SVG `stroke-dasharray` for the sample line; takes precedence over `dashed`. */
  dash?: string;
  /** Stroke width of the sample line, default 2. */
  width?: number;
  /** Line cap of the sample line (round caps turn short dashes into dots). */
  cap?: "round" | "butt";
  /** Draw a dot on the sample line (used for paths with markers). */
  marker?: boolean;
  /** Draw this shape on the sample line (the path's end marker). */
  shape?: MarkerShape;
  /** End the sample with an arrowhead: the path leaves the plot where such an arrow is drawn. */
  exit?: boolean;
}

/** Everything needed to lay out a chart. */
export interface FrameSpec {
  width: number;
  height: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  x: Scale;
  y: Scale;
  /** A second y scale, drawn on the right (for series of another unit, such as accuracy next to loss). */
  y2?: Scale;
  /** Label of the right y axis. */
  y2Label?: string;
  legend: LegendEntry[];
  /**
   * If set, the plot area is shrunk along one axis (and centred) so that one
   * data unit has the same length in x and y (for linear scales).
   */
  equalAspect?: boolean;
}

/** Pixel layout of a chart. */
export interface Frame {
  /** Plot area in pixels (y grows downward). */
  plot: Box;
  /** Maps a value in the x scale's transformed space to a pixel column. */
  px(t: number): number;
  /** Maps a value in the y scale's transformed space to a pixel row. */
  py(t: number): number;
  /** The same for the right y scale (the left one's mapping when there is none). */
  py2(t: number): number;
  /** The transformed-space box of the domain, for clipping data before mapping. */
  dataBox: Box;
  /** Top-left anchor of each legend entry, in entry order. */
  legendAt: Array<[number, number]>;
  /** Centre x of the rotated y-axis label, kept next to the tick labels. */
  yLabelX: number;
  /** Centre x of the right y-axis label. */
  y2LabelX: number;
}

function textWidth(s: string): number {
  return s.length * CHAR_W;
}

/**
 * Checks a width/height option.
 *
 * @param v - The value (undefined means use the default).
 * @param fallback - Default.
 * @param name - Option name for the message.
 * @param fn - Function name for the message.
 * @returns The size.
 * @throws Error if the value is not a finite number in [100, 20000].
 * @example
 * ```ts
 * checkSize(undefined, 640, "width", "lineChart"); // 640
 * ```
 */
export function checkSize(v: number | undefined, fallback: number, name: string, fn: string): number {
  const s = v ?? fallback;
  if (!Number.isFinite(s) || s < 100 || s > 20000) {
    throw new Error(`${fn}: ${name} must be a number in [100, 20000] px, got ${v}`);
  }
  return s;
}

/**
 * Computes the plot area from the chart size and the space its labels and
 * legend need, the data→pixel mappings for it, and where legend entries go.
 *
 * @param spec - Sizes, scales, labels and legend.
 * @returns The frame.
 * @throws Never.
 * @example
 * ```ts
 * const frame = layoutFrame({ width: 640, height: 400, x, y, legend: [] });
 * ```
 */
export function layoutFrame(spec: FrameSpec): Frame {
  const yTickW = Math.max(0, ...spec.y.labels.map(textWidth));
  const left = 14 + yTickW + (spec.yLabel ? FONT_SIZE + 10 : 0);
  const y2TickW = spec.y2 ? Math.max(0, ...spec.y2.labels.map(textWidth)) : 0;
  const right = spec.y2 ? 14 + y2TickW + (spec.y2Label ? FONT_SIZE + 10 : 0) : 18;
  const top = spec.title ? TITLE_SIZE + 20 : 14;
  const axisBottom = 26 + (spec.xLabel ? FONT_SIZE + 10 : 0);
  // The legend goes below the plot, in as many columns as fit: beside the plot
  // it would squeeze the x axis (and distort contour plots) for long labels.
  const plotW = Math.max(40, spec.width - left - right);
  const colW = LEGEND_SAMPLE + 10 + Math.max(0, ...spec.legend.map((e) => textWidth(e.label))) + 18;
  const cols = Math.max(1, Math.min(spec.legend.length, Math.floor(plotW / colW)));
  const legendRows = Math.ceil(spec.legend.length / cols);
  const legendH = legendRows ? 8 + legendRows * LEGEND_ROW : 0;
  const plot: Box = {
    x0: left,
    x1: left + plotW,
    y0: top,
    y1: Math.max(top + 40, spec.height - axisBottom - legendH - 6),
  };
  const legendTop = plot.y1 + axisBottom + 4;
  const legendAt = spec.legend.map((_, k): [number, number] => [
    plot.x0 + (k % cols) * colW,
    legendTop + Math.floor(k / cols) * LEGEND_ROW,
  ]);

  const tx0 = spec.x.transform(spec.x.domain[0]);
  const tx1 = spec.x.transform(spec.x.domain[1]);
  const ty0 = spec.y.transform(spec.y.domain[0]);
  const ty1 = spec.y.transform(spec.y.domain[1]);
  const y2 = spec.y2 ?? spec.y;
  const uy0 = y2.transform(y2.domain[0]);
  const uy1 = y2.transform(y2.domain[1]);
  if (spec.equalAspect) {
    const w = plot.x1 - plot.x0;
    const h = plot.y1 - plot.y0;
    const unit = Math.min(w / (tx1 - tx0), h / (ty1 - ty0));
    const dw = w - unit * (tx1 - tx0);
    const dh = h - unit * (ty1 - ty0);
    plot.x0 += dw / 2;
    plot.x1 -= dw / 2;
    plot.y0 += dh / 2;
    plot.y1 -= dh / 2;
  }
  return {
    plot,
    px: (t) => plot.x0 + ((t - tx0) / (tx1 - tx0)) * (plot.x1 - plot.x0),
    py: (t) => plot.y1 - ((t - ty0) / (ty1 - ty0)) * (plot.y1 - plot.y0),
    py2: (t) => plot.y1 - ((t - uy0) / (uy1 - uy0)) * (plot.y1 - plot.y0),
    dataBox: { x0: tx0, x1: tx1, y0: ty0, y1: ty1 },
    legendAt,
    yLabelX: plot.x0 - yTickW - 18,
    y2LabelX: plot.x1 + y2TickW + 18,
  };
}

/**
 * Opens an SVG document: root element, accessible title, white background.
 *
 * @param width - Width in px.
 * @param height - Height in px.
 * @param title - Used for the `<title>` element (tooltip / screen readers).
 * @returns The opening markup; close with `</svg>`.
 * @throws Never.
 * @example
 * ```ts
 * const svg = openSvg(640, 400, "loss") + body + "</svg>\n";
 * ```
 */
export function openSvg(width: number, height: number, title: string | undefined): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" ` +
    `viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="sans-serif" font-size="${FONT_SIZE}">\n` +
    (title ? el("title", {}, text(title)) + "\n" : "") +
    el("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }) +
    "\n"
  );
}

/**
 * Draws grid lines, the plot border, ticks, tick labels, axis labels and title.
 *
 * @param spec - The chart description.
 * @param frame - Layout from {@link layoutFrame}.
 * @returns SVG markup.
 * @throws Never.
 * @example
 * ```ts
 * body += drawAxes(spec, frame);
 * ```
 */
export function drawAxes(spec: FrameSpec, frame: Frame): string {
  const { plot } = frame;
  const parts: string[] = [];
  const grid: string[] = [];
  const ticks: string[] = [];
  const xLabels: string[] = [];
  const yLabels: string[] = [];
  spec.x.ticks.forEach((t, k) => {
    const x = frame.px(spec.x.transform(t));
    grid.push(`M${fmt(x)} ${fmt(plot.y0)}V${fmt(plot.y1)}`);
    ticks.push(`M${fmt(x)} ${fmt(plot.y1)}v5`);
    xLabels.push(el("text", { x, y: plot.y1 + 8 + FONT_SIZE }, text(spec.x.labels[k]!)));
  });
  spec.y.ticks.forEach((t, k) => {
    const y = frame.py(spec.y.transform(t));
    grid.push(`M${fmt(plot.x0)} ${fmt(y)}H${fmt(plot.x1)}`);
    ticks.push(`M${fmt(plot.x0)} ${fmt(y)}h-5`);
    yLabels.push(el("text", { x: plot.x0 - 8, y: y + FONT_SIZE * 0.35 }, text(spec.y.labels[k]!)));
  });
  // The right axis gets ticks and labels but no grid lines: two grids would read as one.
  const y2Labels: string[] = [];
  spec.y2?.ticks.forEach((t, k) => {
    const y = frame.py2(spec.y2!.transform(t));
    ticks.push(`M${fmt(plot.x1)} ${fmt(y)}h5`);
    y2Labels.push(el("text", { x: plot.x1 + 8, y: y + FONT_SIZE * 0.35 }, text(spec.y2!.labels[k]!)));
  });
  if (grid.length) parts.push(el("path", { d: grid.join(""), stroke: "#e6e6e6", "stroke-width": 1, fill: "none" }));
  parts.push(
    el("rect", {
      x: plot.x0,
      y: plot.y0,
      width: plot.x1 - plot.x0,
      height: plot.y1 - plot.y0,
      fill: "none",
      stroke: "#333333",
      "stroke-width": 1,
    }),
  );
  if (ticks.length) parts.push(el("path", { d: ticks.join(""), stroke: "#333333", "stroke-width": 1 }));
  parts.push(el("g", { "text-anchor": "middle", fill: "#333333" }, xLabels));
  parts.push(el("g", { "text-anchor": "end", fill: "#333333" }, yLabels));
  if (y2Labels.length) parts.push(el("g", { "text-anchor": "start", fill: "#333333", class: "y2-ticks" }, y2Labels));
  if (spec.xLabel) {
    parts.push(
      el("text", { x: (plot.x0 + plot.x1) / 2, y: plot.y1 + 30 + FONT_SIZE, "text-anchor": "middle" }, text(spec.xLabel)),
    );
  }
  if (spec.yLabel) {
    const cx = frame.yLabelX;
    const cy = (plot.y0 + plot.y1) / 2;
    parts.push(
      el(
        "text",
        { x: cx, y: cy, "text-anchor": "middle", transform: `rotate(-90 ${fmt(cx)} ${fmt(cy)})` },
        text(spec.yLabel),
      ),
    );
  }
  if (spec.y2 && spec.y2Label) {
    const cx = frame.y2LabelX;
    const cy = (plot.y0 + plot.y1) / 2;
    parts.push(
      el(
        "text",
        { x: cx, y: cy, "text-anchor": "middle", transform: `rotate(90 ${fmt(cx)} ${fmt(cy)})`, class: "y2-label" },
        text(spec.y2Label),
      ),
    );
  }
  if (spec.title) {
    parts.push(
      el(
        "text",
        { x: spec.width / 2, y: 8 + TITLE_SIZE, "text-anchor": "middle", "font-size": TITLE_SIZE, "font-weight": "bold" },
        text(spec.title),
      ),
    );
  }
  return parts.join("\n") + "\n";
}

/**
 * Draws the legend below the plot, entries flowing left to right in columns.
 *
 * @param entries - Rows to draw (the same list given to {@link layoutFrame}).
 * @param frame - Layout from {@link layoutFrame}.
 * @returns SVG markup (empty string for no entries).
 * @throws Never.
 * @example
 * ```ts
 * body += drawLegend(spec.legend, frame);
 * ```
 */
export function drawLegend(entries: readonly LegendEntry[], frame: Frame): string {
  if (!entries.length) return "";
  const rows = entries.map((e, k) => {
    const [x, top] = frame.legendAt[k]!;
    const y = top + LEGEND_ROW / 2;
    const line = el("line", {
      x1: x,
      y1: y,
      x2: x + LEGEND_SAMPLE,
      y2: y,
      stroke: e.color,
      "stroke-width": e.width ?? 2,
      "stroke-linecap": e.cap,
      "stroke-dasharray": e.dash ?? (e.dashed ? "6 3" : undefined),
    });
    let dot = e.marker ? el("circle", { cx: x + LEGEND_SAMPLE / 2, cy: y, r: 2.5, fill: e.color }) : "";
    if (e.shape) dot += marker(e.shape, x + LEGEND_SAMPLE / 2, y, 4.5, e.color);
    if (e.exit) dot += arrowhead(x + LEGEND_SAMPLE + 4, y, 1, 0, e.color);
    const label = el("text", { x: x + LEGEND_SAMPLE + 10, y: y + FONT_SIZE * 0.35 }, escapeXml(e.label));
    return line + dot + label;
  });
  return el("g", { class: "legend" }, rows.join("\n")) + "\n";
}

/**
 * Serialises pixel-space runs as one SVG path `d` string; single-point runs
 * become zero-length segments (drawn as dots thanks to round caps).
 *
 * @param runs - Pixel-space polylines.
 * @returns The `d` attribute value, possibly empty.
 * @throws Error if a coordinate is non-finite (see {@link fmt}).
 * @example
 * ```ts
 * pathData([[[0, 0], [10, 5]]]); // "M0 0L10 5"
 * ```
 */
export function pathData(runs: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): string {
  let d = "";
  for (const run of runs) {
    if (!run.length) continue;
    d += `M${fmt(run[0]![0])} ${fmt(run[0]![1])}`;
    if (run.length === 1) d += "h0";
    for (let k = 1; k < run.length; k++) d += `L${fmt(run[k]![0])} ${fmt(run[k]![1])}`;
  }
  return d;
}

/**
 * A filled marker of the given shape centred on (cx, cy), with a white rim so
 * it stays visible on top of lines of its own colour.
 *
 * @param shape - Which shape.
 * @param cx - Centre x in px.
 * @param cy - Centre y in px.
 * @param r - Half the marker's size in px (the circle's radius).
 * @param color - Fill colour.
 * @param cls - Optional `class` attribute, for styling and for tests to find it.
 * @returns SVG markup for one element.
 * @throws Error if a coordinate is non-finite (see {@link fmt}).
 * @example
 * ```ts
 * marker("square", 10, 10, 4, "#d62728"); // a 8×8 px red square
 * ```
 */
export function marker(shape: MarkerShape, cx: number, cy: number, r: number, color: string, cls?: string): string {
  const rim = { class: cls, fill: color, stroke: "#ffffff", "stroke-width": 1 };
  if (shape === "circle") return el("circle", { cx, cy, r, ...rim });
  if (shape === "square") return el("rect", { x: cx - r * 0.9, y: cy - r * 0.9, width: 1.8 * r, height: 1.8 * r, ...rim });
  const pts =
    shape === "triangle"
      ? [[cx, cy - 1.15 * r], [cx + r, cy + 0.75 * r], [cx - r, cy + 0.75 * r]]
      : [[cx, cy - 1.25 * r], [cx + 1.25 * r, cy], [cx, cy + 1.25 * r], [cx - 1.25 * r, cy]];
  return el("polygon", { points: pts.map(([x, y]) => `${fmt(x!)},${fmt(y!)}`).join(" "), ...rim });
}

/**
 * An arrowhead with its tip at (x, y), pointing along (dx, dy) in pixel space:
 * drawn where a path leaves the plot, so the reader sees where it went.
 *
 * @param x - Tip x in px.
 * @param y - Tip y in px.
 * @param dx - Direction x (any length but zero).
 * @param dy - Direction y, pixel rows growing downward.
 * @param color - Fill colour.
 * @returns SVG markup for one `polygon` of class `exit`.
 * @throws Error if a coordinate is non-finite (see {@link fmt}).
 * @example
 * ```ts
 * arrowhead(100, 20, 0, -1, "#d62728"); // pointing up, tip at (100, 20)
 * ```
 */
export function arrowhead(x: number, y: number, dx: number, dy: number, color: string): string {
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const back = 11;
  const half = 5;
  const bx = x - ux * back;
  const by = y - uy * back;
  const pts = [[x, y], [bx - uy * half, by + ux * half], [bx + uy * half, by - ux * half]];
  return el("polygon", {
    class: "exit",
    points: pts.map(([px, py]) => `${fmt(px!)},${fmt(py!)}`).join(" "),
    fill: color,
    stroke: "#ffffff",
    "stroke-width": 1,
    "stroke-linejoin": "round",
  });
}
