/**
 * Small, dependency-free SVG plotting for gradtape's examples.
 *
 * - {@link lineChart}: named series (loss/accuracy per epoch), axes, ticks,
 *   legend, title, optional log-scale y.
 * - {@link contourPlot}: iso-lines of f(x, y) over a box (marching squares)
 *   with optimizer paths drawn on top.
 * - {@link imageGrid}: small grayscale images (feature maps, digits) in a grid.
 * - {@link tapeGraph}: what a gradient tape recorded, laid out by dagre.
 *
 * Both return a standalone SVG document string: well-formed XML with all text
 * escaped, byte-for-byte deterministic for the same input, and free of
 * `NaN`/`Infinity` whatever the data (non-finite and out-of-range data is
 * dropped or clipped, and the legend says so).
 *
 * The building blocks (ticks, marching squares, clipping, escaping) are
 * exported too, for tests and for custom charts.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import * as gt from "gradtape";
 * writeFileSync("loss.svg", gt.plot.lineChart({ series: [{ name: "loss", y: losses }], logY: true }));
 * ```
 *
 * @module
 */
export { lineChart, type LineChartOptions, type LineSeries } from "./line-chart.js";
export { contourPlot, type ContourPlotOptions, type PathSeries } from "./contour-plot.js";
export { imageGrid, type ImageGridOptions, type GridImage } from "./image-grid.js";
export { tapeGraph, TAPE_COLORS, type TapeGraphPlotOptions, type TapeColors } from "./tape-graph.js";
export { grayscalePng } from "./png.js";
export { contourLevels, contourLines, marchingSquares, sampleGrid, type Grid, type Polyline } from "./contour.js";
export {
  formatLogTick,
  formatTick,
  linearScale,
  linearTicks,
  logScale,
  logTicks,
  niceDomain,
  niceStep,
  type Scale,
} from "./scale.js";
export { clipPolyline, clipSegment, type Box, type ClippedPolyline, type PolylineExit } from "./clip.js";
export { escapeXml, formatNumber } from "./xml.js";
export { PALETTE } from "./frame.js";
