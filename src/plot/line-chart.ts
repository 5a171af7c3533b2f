/**
 * Line charts (loss / accuracy curves and the like) as standalone SVG.
 *
 * @module
 */
import { optionNames, requiredOptions } from "../util/options.js";
import { clipPolyline } from "./clip.js";
import { checkSize, drawAxes, drawLegend, layoutFrame, marker, openSvg, PALETTE, pathData, type LegendEntry } from "./frame.js";
import { linearScale, logScale, type Scale } from "./scale.js";
import { el, formatNumber } from "./xml.js";

/** One named curve. */
export interface LineSeries {
  /** Legend label (any text; it is escaped). */
  name: string;
  /** Y values. Non-finite values break the line and are reported in the legend. */
  y: ArrayLike<number>;
  /** X values, same length as `y`; defaults to 0, 1, 2, … (pass `x` for 1-based epochs). */
  x?: ArrayLike<number>;
  /** Stroke colour (any SVG colour); defaults to the next palette colour. */
  color?: string;
  /** Draw dashed, e.g. for validation curves next to training ones. */
  dashed?: boolean;
  /**
   * Which y axis the series is measured on: `"right"` for a quantity of another
   * unit (accuracy next to loss). Default `"left"`.
   */
  axis?: "left" | "right";
}

/** Options for {@link lineChart}. */
export interface LineChartOptions {
  /** Curves to draw, at least one. */
  series: LineSeries[];
  /** Title above the plot. */
  title?: string;
  /** X axis label. */
  xLabel?: string;
  /** Y axis label. */
  yLabel?: string;
  /** Label of the right y axis, which appears when a series has `axis: "right"`. */
  y2Label?: string;
  /** Fixed range of the right y axis; default: its series' range rounded out to nice ticks. */
  y2Range?: [number, number];
  /** Total width in px, default 640. */
  width?: number;
  /** Total height in px, default 420. */
  height?: number;
  /** Base-10 log y axis; values ≤ 0 are then left out and counted in the legend. */
  logY?: boolean;
  /** Fixed x range; default: data range rounded out to nice ticks. Data outside is clipped. */
  xRange?: [number, number];
  /** Fixed y range; default: data range rounded out to nice ticks. Data outside is clipped. */
  yRange?: [number, number];
}

/**
 * Renders line series as a standalone SVG document.
 *
 * The output is deterministic (same input, same bytes) and never contains
 * `NaN` or `Infinity`: non-finite points (and non-positive ones on a log
 * axis) break the line, and the legend says how many were left out or from
 * which x the series stopped being finite. Data outside a fixed
 * `xRange`/`yRange` is clipped exactly at the plot border and noted.
 * Series with `axis: "right"` get their own scale, ticks and label on the
 * right (and "(right axis)" in the legend). Series of at most 30 points, and
 * points with no finite neighbour, get a round marker at every point, so a
 * one-epoch run still shows its value.
 *
 * @param options - Series, labels, size and axis options.
 * @returns SVG document text (with XML declaration), ready to write to a `.svg` file.
 * @throws Error if there are no series, a series' `x` and `y` lengths differ,
 *   a size is out of range, or a fixed range is not finite / empty (or not
 *   positive for a log axis). The message names the offending series or option.
 * @example
 * ```ts
 * const svg = lineChart({
 *   title: "MNIST MLP",
 *   series: [
 *     { name: "train loss", y: trainLoss },
 *     { name: "test loss", y: testLoss, dashed: true },
 *   ],
 *   xLabel: "epoch",
 *   logY: true,
 * });
 * writeFileSync("loss.svg", svg);
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  requiredOptions("lineChart", options, optionNames<LineChartOptions>({ series: true, title: true, xLabel: true, yLabel: true, y2Label: true, y2Range: true, width: true, height: true, logY: true, xRange: true, yRange: true }), "lineChart({ series: [{ name: 'loss', y: losses }] })");
  const fn = "lineChart";
  const { series } = options;
  if (!Array.isArray(series) || series.length === 0) throw new Error(`${fn}: options.series must be a non-empty array`);
  const width = checkSize(options.width, 640, "width", fn);
  const height = checkSize(options.height, 420, "height", fn);
  const logY = options.logY === true;

  const data = series.map((s, k) => {
    const n = s.y.length;
    if (s.x !== undefined && s.x.length !== n) {
      throw new Error(`${fn}: series ${k} ("${s.name}") has ${s.x.length} x values but ${n} y values`);
    }
    if (s.axis !== undefined && s.axis !== "left" && s.axis !== "right") {
      throw new Error(`${fn}: series ${k} ("${s.name}") has axis ${JSON.stringify(s.axis)}; expected "left" or "right"`);
    }
    const right = s.axis === "right";
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const rawY = Float64Array.from(s.y);
    let nonPositive = 0;
    for (let i = 0; i < n; i++) {
      xs[i] = s.x ? s.x[i]! : i;
      const y = s.y[i]!;
      // On a log axis y ≤ 0 has no position; map it to NaN here and count it separately.
      if (logY && !right && Number.isFinite(y) && y <= 0) {
        nonPositive++;
        ys[i] = NaN;
      } else {
        ys[i] = y;
      }
    }
    return { s, xs, ys, rawY, nonPositive, right, color: s.color ?? PALETTE[k % PALETTE.length]! };
  });

  const left = data.filter((d) => !d.right);
  const rightSide = data.filter((d) => d.right);
  const x = makeScale(options.xRange, data.map((d) => d.xs), false, "xRange", fn);
  const y = makeScale(options.yRange, left.map((d) => d.ys), logY, "yRange", fn);
  // The right axis is linear: it is for bounded quantities such as accuracy.
  const y2 = rightSide.length ? makeScale(options.y2Range, rightSide.map((d) => d.ys), false, "y2Range", fn) : undefined;

  // Clip in the scales' linear space (log10 for a log axis), which does not
  // depend on the pixel layout; the layout in turn needs the legend labels,
  // which depend on the clipping results.
  const dataBox = {
    x0: x.transform(x.domain[0]),
    x1: x.transform(x.domain[1]),
    y0: y.transform(y.domain[0]),
    y1: y.transform(y.domain[1]),
  };
  const legend: LegendEntry[] = [];
  const clippedAll = data.map((d) => {
    const scale = d.right ? y2! : y;
    // Clip in the left scale's box: the right scale is mapped onto the same
    // box first, so one clip (and one pixel mapping) serves both axes.
    const ty = d.right ? Array.from(d.ys, (v) => toLeft(y2!, dataBox, scale.transform(v))) : Array.from(d.ys, (v) => y.transform(v));
    const clipped = clipPolyline(d.xs, ty, dataBox, false);
    const where = y2 ? (d.right ? " (right axis)" : "") : "";
    let finite = 0;
    for (let i = 0; i < ty.length; i++) if (Number.isFinite(d.xs[i]!) && Number.isFinite(ty[i]!)) finite++;
    legend.push({ label: d.s.name + where + noteFor(d, clipped.clipped), color: d.color, dashed: d.s.dashed, marker: finite > 0 && finite <= MARKED });
    return { d, ty, clipped, finite };
  });

  const spec = { width, height, title: options.title, xLabel: options.xLabel, yLabel: options.yLabel, x, y, y2, y2Label: options.y2Label, legend };
  const frame = layoutFrame(spec);
  let body = drawAxes(spec, frame);
  for (const { d, clipped } of clippedAll) {
    const runs = clipped.runs.map((run) => run.map(([tx, ty]): [number, number] => [frame.px(tx), frame.py(ty)]));
    const dAttr = pathData(runs);
    if (!dAttr) continue;
    body +=
      el("path", {
        d: dAttr,
        fill: "none",
        stroke: d.color,
        "stroke-width": 2,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
        "stroke-dasharray": d.s.dashed ? "6 3" : undefined,
      }) + "\n";
  }
  // A line needs two points to be seen: short series, and points with no
  // finite neighbour, get a marker on every point (drawn over all lines).
  for (const { d, ty, finite } of clippedAll) {
    const ok = (i: number): boolean =>
      i >= 0 && i < ty.length && Number.isFinite(d.xs[i]!) && Number.isFinite(ty[i]!);
    const inBox = (i: number): boolean =>
      ok(i) && d.xs[i]! >= dataBox.x0 && d.xs[i]! <= dataBox.x1 && ty[i]! >= dataBox.y0 && ty[i]! <= dataBox.y1;
    const dots: string[] = [];
    for (let i = 0; i < ty.length; i++) {
      if (inBox(i) && (finite <= MARKED || (!ok(i - 1) && !ok(i + 1)))) dots.push(marker("circle", frame.px(d.xs[i]!), frame.py(ty[i]!), 3.5, d.color));
    }
    if (dots.length) body += el("g", { class: "points" }, dots.join("")) + "\n";
  }
  body += drawLegend(legend, frame);
  return openSvg(width, height, options.title) + body + "</svg>\n";
}

/** Series with at most this many finite points get a marker on every point. */
const MARKED = 30;

/** Maps a value of the right scale's transformed space onto the left scale's, so both share one box. */
function toLeft(y2: Scale, box: { y0: number; y1: number }, t: number): number {
  const u0 = y2.transform(y2.domain[0]);
  const u1 = y2.transform(y2.domain[1]);
  return box.y0 + ((t - u0) / (u1 - u0)) * (box.y1 - box.y0);
}

function makeScale(
  fixed: [number, number] | undefined,
  arrays: Float64Array[],
  log: boolean,
  name: string,
  fn: string,
): Scale {
  if (fixed !== undefined) {
    if (!Array.isArray(fixed) || fixed.length !== 2 || !Number.isFinite(fixed[0]) || !Number.isFinite(fixed[1]) || !(fixed[0] < fixed[1])) {
      throw new Error(`${fn}: options.${name} must be [min, max] with finite min < max, got ${JSON.stringify(fixed)}`);
    }
    if (log && !(fixed[0] > 0)) {
      throw new Error(`${fn}: options.${name} must be positive on a log axis, got ${JSON.stringify(fixed)}`);
    }
    return log ? logScale(fixed[0], fixed[1], false) : linearScale(fixed[0], fixed[1], false);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (const v of a) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  // Nothing plottable at all: still draw a sensible empty axis.
  if (lo > hi) return log ? logScale(1, 10, true) : linearScale(0, 1, true);
  // hi - lo would overflow to Infinity for data spanning ±1e308; such extremes
  // are clipped (and noted in the legend) rather than breaking the tick maths.
  lo = Math.max(lo, -1e307);
  hi = Math.min(hi, 1e307);
  return log ? logScale(lo, hi, true) : linearScale(lo, hi, true);
}

function noteFor(
  d: { xs: Float64Array; rawY: Float64Array; nonPositive: number },
  clipped: boolean,
): string {
  const notes: string[] = [];
  let firstBad = -1;
  let tailBad = true;
  let bad = 0;
  for (let i = 0; i < d.xs.length; i++) {
    if (!Number.isFinite(d.xs[i]!) || !Number.isFinite(d.rawY[i]!)) {
      bad++;
      if (firstBad < 0) firstBad = i;
    } else if (firstBad >= 0) {
      tailBad = false;
    }
  }
  if (bad > 0 && bad === d.xs.length) {
    notes.push("no finite values");
  } else if (bad > 0 && tailBad && firstBad > 0) {
    // A run of non-finite values to the end is the signature of divergence: say where it started.
    const at = d.xs[firstBad]!;
    notes.push(`non-finite from ${Number.isFinite(at) ? `x = ${formatNumber(at)}` : `point ${firstBad}`} on`);
  } else if (bad > 0) {
    notes.push(`${bad} non-finite value${bad === 1 ? "" : "s"} skipped`);
  }
  if (d.nonPositive > 0) notes.push(`${d.nonPositive} value${d.nonPositive === 1 ? "" : "s"} ≤ 0 not shown on log axis`);
  if (clipped) notes.push("clipped to axis range");
  return notes.length ? ` (${notes.join("; ")})` : "";
}
