/**
 * Iso-lines of sampled 2-D functions by marching squares.
 *
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { finiteNumber, numberList } from "../util/args.js";

/** A polyline as `[x, y]` points; closed loops repeat their first point at the end. */
export type Polyline = Array<[number, number]>;

/**
 * Traces the iso-lines `value = level` through a grid of samples.
 *
 * Samples are row-major: `values[j * cols + i]` is the sample at column `i`,
 * row `j`. Output points are in grid coordinates (`x` = fractional column,
 * `y` = fractional row), found by linear interpolation along cell edges.
 * Segments are joined into maximal polylines; a loop that closes is returned
 * with its first point repeated at the end, a line that meets the grid border
 * (or a cell with a non-finite sample, which is skipped) is left open.
 *
 * A corner counts as inside when its value is strictly greater than `level`.
 * Saddle cells (diagonal corners on the same side) are resolved with the
 * average of the four corners, the usual choice that keeps lines from crossing.
 *
 * @param values - `cols * rows` samples; NaN/±Infinity allowed (cells touching them are skipped).
 * @param cols - Samples per row (≥ 2).
 * @param rows - Number of rows (≥ 2).
 * @param level - Finite iso-value.
 * @returns Polylines in grid coordinates, in a deterministic order (scan order of their first cell).
 * @throws Error if the sizes are not integers ≥ 2, `values.length` ≠ `cols * rows`, or `level` is not finite.
 * @example
 * ```ts
 * // 3×3 samples of x² + y² on [-1, 1]², level 0.5: one loop around the centre
 * const v = [2, 1, 2, 1, 0, 1, 2, 1, 2];
 * const [loop] = marchingSquares(v, 3, 3, 0.5); // loop[0] equals loop[loop.length - 1]
 * ```
 */
export function marchingSquares(values: ArrayLike<number>, cols: number, rows: number, level: number): Polyline[] {
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 2) {
    throw new Error(`marchingSquares: need integer cols, rows >= 2, got cols=${cols}, rows=${rows}`);
  }
  if (values.length !== cols * rows) {
    throw new Error(`marchingSquares: expected cols*rows = ${cols * rows} values, got ${values.length}`);
  }
  if (!Number.isFinite(level)) throw new Error(`marchingSquares: level must be finite, got ${level}`);

  // Every crossing lies on a grid edge and each edge is shared by at most two
  // cells, so keying segment ends by edge id joins them exactly (no float
  // comparison) and each edge has at most two neighbours.
  const hCount = rows * (cols - 1);
  const edgeCount = hCount + (rows - 1) * cols;
  const hEdge = (i: number, j: number): number => j * (cols - 1) + i;
  const vEdge = (i: number, j: number): number => hCount + j * cols + i;
  const nb1 = new Int32Array(edgeCount).fill(-1);
  const nb2 = new Int32Array(edgeCount).fill(-1);
  const touched: number[] = [];
  const link = (a: number, b: number): void => {
    for (const [e, o] of [
      [a, b],
      [b, a],
    ] as const) {
      if (nb1[e] === -1) {
        nb1[e] = o;
        touched.push(e);
      } else {
        nb2[e] = o;
      }
    }
  };

  const v = (i: number, j: number): number => values[j * cols + i]!;
  for (let j = 0; j < rows - 1; j++) {
    for (let i = 0; i < cols - 1; i++) {
      const a = v(i, j); // bottom-left
      const b = v(i + 1, j); // bottom-right
      const c = v(i + 1, j + 1); // top-right
      const d = v(i, j + 1); // top-left
      if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || !Number.isFinite(d)) continue;
      const A = a > level;
      const B = b > level;
      const C = c > level;
      const D = d > level;
      const bottom = hEdge(i, j);
      const right = vEdge(i + 1, j);
      const top = hEdge(i, j + 1);
      const left = vEdge(i, j);
      const crossings: number[] = [];
      if (A !== B) crossings.push(bottom);
      if (B !== C) crossings.push(right);
      if (D !== C) crossings.push(top);
      if (A !== D) crossings.push(left);
      if (crossings.length === 2) {
        link(crossings[0]!, crossings[1]!);
      } else if (crossings.length === 4) {
        const centre = (a + b + c + d) / 4 > level;
        if (centre === A) {
          // A and C joined through the centre: cut off corners B and D.
          link(bottom, right);
          link(top, left);
        } else {
          link(bottom, left);
          link(right, top);
        }
      }
    }
  }

  const point = (e: number): [number, number] => {
    if (e < hCount) {
      const j = Math.floor(e / (cols - 1));
      const i = e - j * (cols - 1);
      const a = v(i, j);
      return [i + (level - a) / (v(i + 1, j) - a), j];
    }
    const k = e - hCount;
    const j = Math.floor(k / cols);
    const i = k - j * cols;
    const a = v(i, j);
    return [i, j + (level - a) / (v(i, j + 1) - a)];
  };

  const visited = new Uint8Array(edgeCount);
  const walk = (start: number): Polyline => {
    const line: Polyline = [];
    let cur = start;
    for (;;) {
      visited[cur] = 1;
      line.push(point(cur));
      const n1 = nb1[cur]!;
      const n2 = nb2[cur]!;
      const next = n1 !== -1 && !visited[n1] ? n1 : n2 !== -1 && !visited[n2] ? n2 : -1;
      if (next === -1) break;
      cur = next;
    }
    if (line.length > 2 && (nb1[cur] === start || nb2[cur] === start)) line.push(line[0]!);
    return line;
  };

  const lines: Polyline[] = [];
  // Open chains first, started from an end, so none is split in the middle.
  for (const e of touched) if (!visited[e] && nb2[e] === -1) lines.push(walk(e));
  for (const e of touched) if (!visited[e]) lines.push(walk(e));
  return lines;
}

/** A sampled function on a regular grid, as produced by {@link sampleGrid}. */
export interface Grid {
  /** Row-major samples, `values[j * cols + i] = f(x_i, y_j)`. */
  values: Float64Array;
  /** Samples along x. */
  cols: number;
  /** Samples along y. */
  rows: number;
  /** `[xmin, xmax]`. */
  xRange: readonly [number, number];
  /** `[ymin, ymax]`. */
  yRange: readonly [number, number];
}

/**
 * Samples `f` on a regular `cols × rows` grid covering the box, corners included.
 *
 * @param f - Function to sample; it may return non-finite values.
 * @param xRange - `[xmin, xmax]`, finite, xmin < xmax.
 * @param yRange - `[ymin, ymax]`, finite, ymin < ymax.
 * @param cols - Samples along x (≥ 2).
 * @param rows - Samples along y (≥ 2), default `cols`.
 * @returns The grid.
 * @throws Error if a range is empty or non-finite, or a size is not an integer ≥ 2.
 * @example
 * ```ts
 * const g = sampleGrid((x, y) => x * x + y * y, [-2, 2], [-2, 2], 81);
 * ```
 */
export function sampleGrid(
  f: (x: number, y: number) => number,
  xRange: readonly [number, number],
  yRange: readonly [number, number],
  cols: number,
  rows: number = cols,
): Grid {
  checkBox(xRange, "xRange", "sampleGrid");
  checkBox(yRange, "yRange", "sampleGrid");
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 2) {
    throw new Error(`sampleGrid: need integer cols, rows >= 2, got cols=${cols}, rows=${rows}`);
  }
  const values = new Float64Array(cols * rows);
  for (let j = 0; j < rows; j++) {
    const y = gridCoord(yRange, j, rows);
    for (let i = 0; i < cols; i++) values[j * cols + i] = f(gridCoord(xRange, i, cols), y);
  }
  return { values, cols, rows, xRange, yRange };
}

/** Exact at both ends, unlike lo + k * step accumulated. */
function gridCoord(range: readonly [number, number], k: number, n: number): number {
  const t = k / (n - 1);
  return range[0] * (1 - t) + range[1] * t;
}

/**
 * Checks that `range` is a finite, non-empty interval.
 *
 * @param range - The interval.
 * @param name - Parameter name for the message.
 * @param fn - Function name for the message.
 * @throws Error naming the parameter if the range is invalid.
 * @example
 * ```ts
 * checkBox([0, 1], "xRange", "contourPlot"); // ok
 * ```
 */
export function checkBox(range: readonly [number, number], name: string, fn: string): void {
  if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[0] < range[1])) {
    throw new Error(`${fn}: ${name} must be [min, max] with finite min < max, got ${JSON.stringify(range)}`);
  }
}

/**
 * Iso-lines of a sampled grid in data coordinates.
 *
 * @param grid - Samples from {@link sampleGrid}.
 * @param level - Finite iso-value.
 * @returns Polylines in data coordinates (see {@link marchingSquares} for ordering and closure).
 * @throws Error if `grid` is not a grid of `cols × rows` samples over finite ranges, or `level` is not finite.
 * @example
 * ```ts
 * const g = sampleGrid((x, y) => x * x + y * y, [-2, 2], [-2, 2], 81);
 * const [circle] = contourLines(g, 1); // points at distance ≈ 1 from the origin
 * ```
 */
export function contourLines(grid: Grid, level: number): Polyline[] {
  if (grid === null || typeof grid !== "object") throw new Error(`contourLines: grid must be what sampleGrid returns, { values, cols, rows, xRange, yRange }, got ${describe(grid)}`);
  checkBox(grid.xRange, "grid.xRange", "contourLines");
  checkBox(grid.yRange, "grid.yRange", "contourLines");
  const { cols, rows } = grid;
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 2) {
    throw new Error(`contourLines: grid.cols and grid.rows must be integers >= 2, got ${describe(cols)} and ${describe(rows)}`);
  }
  if (numberList("contourLines", "grid.values", grid.values).length !== cols * rows) {
    throw new Error(`contourLines: grid.values has ${grid.values.length} samples but cols × rows is ${cols * rows}`);
  }
  finiteNumber("contourLines", "level", level);
  const sx = (grid.xRange[1] - grid.xRange[0]) / (grid.cols - 1);
  const sy = (grid.yRange[1] - grid.yRange[0]) / (grid.rows - 1);
  return marchingSquares(grid.values, grid.cols, grid.rows, level).map((line) =>
    line.map(([i, j]): [number, number] => [grid.xRange[0] + i * sx, grid.yRange[0] + j * sy]),
  );
}

/**
 * Chooses `n` contour levels strictly between the smallest and largest finite
 * sample (the extremes themselves would give empty or degenerate lines).
 *
 * - `"linear"`: evenly spaced.
 * - `"log"`: `min + span · 10^(−4 … 0)` geometrically spaced, which suits
 *   functions with a deep narrow valley such as Rosenbrock, where even spacing
 *   puts nearly every line on the steep walls.
 *
 * @param values - Samples (non-finite ones are ignored).
 * @param n - Number of levels, integer ≥ 1.
 * @param spacing - `"linear"` (default) or `"log"`.
 * @returns Ascending levels, or `[]` if there are fewer than two distinct finite samples.
 * @throws Error if `n` is not a positive integer or `spacing` is unknown.
 * @example
 * ```ts
 * contourLevels([0, 10], 4); // [2, 4, 6, 8]
 * ```
 */
export function contourLevels(values: ArrayLike<number>, n: number, spacing: "linear" | "log" = "linear"): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`contourLevels: n must be a positive integer, got ${n}`);
  if (spacing !== "linear" && spacing !== "log") {
    throw new Error(`contourLevels: spacing must be "linear" or "log", got "${String(spacing)}"`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const out: number[] = [];
  for (let k = 1; k <= n; k++) {
    out.push(spacing === "linear" ? lo + (span * k) / (n + 1) : lo + span * 10 ** (-4 + (4 * (k - 1)) / n));
  }
  return out;
}
