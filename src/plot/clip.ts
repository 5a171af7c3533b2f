/**
 * Geometry helpers that keep every drawn coordinate finite and inside the
 * plot box, whatever the data does (diverging optimizers, NaN losses).
 *
 * @module
 */

/** Axis-aligned box `[x0, x1] × [y0, y1]` with `x0 < x1`, `y0 < y1`. */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Clips the segment p→q to `box` (Liang–Barsky).
 *
 * @param px - Start x.
 * @param py - Start y.
 * @param qx - End x.
 * @param qy - End y.
 * @param box - Clip box.
 * @returns `[t0, t1]` with 0 ≤ t0 ≤ t1 ≤ 1, the parameter range of p + t(q − p)
 *   inside the box, or `null` if the segment misses it or any input (or the
 *   difference q − p) is non-finite.
 * @throws Never.
 * @example
 * ```ts
 * clipSegment(-1, 0.5, 2, 0.5, { x0: 0, x1: 1, y0: 0, y1: 1 }); // [1/3, 2/3]
 * ```
 */
export function clipSegment(px: number, py: number, qx: number, qy: number, box: Box): [number, number] | null {
  const dx = qx - px;
  const dy = qy - py;
  if (!Number.isFinite(dx) || !Number.isFinite(dy) || !Number.isFinite(px) || !Number.isFinite(py)) return null;
  let t0 = 0;
  let t1 = 1;
  const edges: Array<[number, number]> = [
    [-dx, px - box.x0],
    [dx, box.x1 - px],
    [-dy, py - box.y0],
    [dy, box.y1 - py],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) {
        if (r > t1) return null;
        if (r > t0) t0 = r;
      } else {
        if (r < t0) return null;
        if (r < t1) t1 = r;
      }
    }
  }
  return [t0, t1];
}

/** Result of {@link clipPolyline}. */
export interface ClippedPolyline {
  /** Visible pieces, each a list of `[x, y]` points inside the box (a piece may be a single point). */
  runs: Array<Array<[number, number]>>;
  /** Index of the first point with a non-finite coordinate, or -1. */
  firstNonFinite: number;
  /** Number of points with a non-finite coordinate. */
  nonFiniteCount: number;
  /** Whether any part of the finite polyline lies outside the box. */
  clipped: boolean;
  /** Index of the first finite point outside the box, or -1. */
  firstOutside: number;
}

/**
 * Splits a polyline into pieces that are finite and inside `box`.
 *
 * Non-finite points break the line (or, with `stopAtNonFinite`, end it, which
 * is the honest rendering of a diverged optimizer). Segments crossing the box
 * edge are cut exactly at the edge.
 *
 * @param xs - X coordinates.
 * @param ys - Y coordinates, same length as `xs`.
 * @param box - Clip box.
 * @param stopAtNonFinite - If true, ignore everything from the first non-finite point on.
 * @returns The visible runs plus what was dropped, for legend notes.
 * @throws Error if `xs` and `ys` differ in length.
 * @example
 * ```ts
 * clipPolyline([0, 1, NaN, 2], [0, 1, 0, 2], { x0: 0, x1: 3, y0: 0, y1: 3 }, false).runs;
 * // [[[0, 0], [1, 1]], [[2, 2]]]
 * ```
 */
export function clipPolyline(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  box: Box,
  stopAtNonFinite: boolean,
): ClippedPolyline {
  if (xs.length !== ys.length) {
    throw new Error(`clipPolyline: ${xs.length} x values but ${ys.length} y values`);
  }
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  let firstNonFinite = -1;
  let nonFiniteCount = 0;
  let clipped = false;
  let firstOutside = -1;
  const inside = (x: number, y: number): boolean => x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1;
  const flush = (): void => {
    if (run.length > 0) runs.push(run);
    run = [];
  };
  // Appends a point unless it duplicates the run's last one (happens at clip entries).
  const push = (x: number, y: number): void => {
    const last = run[run.length - 1];
    if (!last || last[0] !== x || last[1] !== y) run.push([x, y]);
  };

  let prev: [number, number] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      nonFiniteCount++;
      if (firstNonFinite < 0) firstNonFinite = i;
      flush();
      prev = null;
      if (stopAtNonFinite) {
        nonFiniteCount = xs.length - i;
        break;
      }
      continue;
    }
    const isIn = inside(x, y);
    if (!isIn) {
      clipped = true;
      if (firstOutside < 0) firstOutside = i;
    }
    if (prev === null) {
      if (isIn) push(x, y);
    } else {
      const t = clipSegment(prev[0], prev[1], x, y, box);
      if (t === null) {
        flush();
      } else {
        const [t0, t1] = t;
        const dx = x - prev[0];
        const dy = y - prev[1];
        if (t0 > 0) flush();
        push(prev[0] + t0 * dx, prev[1] + t0 * dy);
        push(t1 === 1 ? x : prev[0] + t1 * dx, t1 === 1 ? y : prev[1] + t1 * dy);
        if (t1 < 1) flush();
      }
    }
    prev = [x, y];
  }
  flush();
  return { runs, firstNonFinite, nonFiniteCount, clipped, firstOutside };
}
