/**
 * Geometry helpers that keep every drawn coordinate finite and inside the
 * plot box, whatever the data does (diverging optimizers, NaN losses).
 *
 * @module
 */
import { describe } from "../tensor/tensor.js";
import { booleanArg, finiteNumber, numberList } from "../util/args.js";

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
  const c = liangBarsky(px, py, qx, qy, box);
  return c && [c.t0, c.t1];
}

/**
 * Which border of the box a clipped end lies on, as recorded by
 * {@link liangBarsky}; `None` means the end is the segment's own endpoint.
 */
const Edge = { None: -1, X0: 0, X1: 1, Y0: 2, Y1: 3 } as const;
type Edge = (typeof Edge)[keyof typeof Edge];

/** Liang–Barsky with, besides `[t0, t1]`, the edge that set each bound. */
function liangBarsky(
  px: number,
  py: number,
  qx: number,
  qy: number,
  box: Box,
): { t0: number; t1: number; e0: Edge; e1: Edge } | null {
  const dx = qx - px;
  const dy = qy - py;
  if (!Number.isFinite(dx) || !Number.isFinite(dy) || !Number.isFinite(px) || !Number.isFinite(py)) return null;
  let t0 = 0;
  let t1 = 1;
  let e0: Edge = Edge.None;
  let e1: Edge = Edge.None;
  const edges: Array<[number, number, Edge]> = [
    [-dx, px - box.x0, Edge.X0],
    [dx, box.x1 - px, Edge.X1],
    [-dy, py - box.y0, Edge.Y0],
    [dy, box.y1 - py, Edge.Y1],
  ];
  for (const [p, q, edge] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) {
        if (r > t1) return null;
        if (r > t0) {
          t0 = r;
          e0 = edge;
        }
      } else {
        if (r < t0) return null;
        if (r < t1) {
          t1 = r;
          e1 = edge;
        }
      }
    }
  }
  return { t0, t1, e0, e1 };
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * The point where the segment p→q meets `edge` of `box`, placed exactly on
 * that edge and never outside the box.
 *
 * Not computed as `p + t·(q − p)`: when p is far away (a diverging path at
 * 1e17, say) that sum cancels catastrophically and the "clip point" can land
 * anywhere, far outside the box. Instead the edge coordinate is set exactly and
 * the other one is interpolated from the endpoint nearer to the edge, where
 * the fraction of the difference that is added is at most 1/2 and no large
 * terms cancel against the small result. The clamp only absorbs the rounding
 * left when both endpoints are huge.
 */
function edgePoint(px: number, py: number, qx: number, qy: number, edge: Edge, box: Box): [number, number] {
  if (edge === Edge.X0 || edge === Edge.X1) {
    const x = edge === Edge.X0 ? box.x0 : box.x1;
    const y =
      Math.abs(x - px) <= Math.abs(x - qx)
        ? py + ((x - px) / (qx - px)) * (qy - py)
        : qy + ((x - qx) / (qx - px)) * (qy - py);
    return [x, clamp(y, box.y0, box.y1)];
  }
  if (edge === Edge.Y0 || edge === Edge.Y1) {
    const y = edge === Edge.Y0 ? box.y0 : box.y1;
    const x =
      Math.abs(y - py) <= Math.abs(y - qy)
        ? px + ((y - py) / (qy - py)) * (qx - px)
        : qx + ((y - qy) / (qy - py)) * (qx - px);
    return [clamp(x, box.x0, box.x1), y];
  }
  // No edge recorded for an end outside the box: only possible when a ratio
  // under- or overflowed; the nearest box point is the best estimate.
  return [clamp(px, box.x0, box.x1), clamp(py, box.y0, box.y1)];
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
  /** Every place where the polyline leaves the box, in order. */
  exits: PolylineExit[];
}

/** Where a polyline crosses the border of its box outwards (see {@link clipPolyline}). */
export interface PolylineExit {
  /** Index of the first point outside the box. */
  step: number;
  /** The crossing on the border: the last point of a run. */
  at: [number, number];
  /** Direction of travel there, scaled so that its larger component is ±1 (finite even for far-away points). */
  toward: [number, number];
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
 * @param passThrough - If false, segments with both ends outside the box are
 *   left out even where they cross it: an optimizer path that has left the plot
 *   then shows no stray lines across it (default true, right for data series).
 * @returns The visible runs plus what was dropped, for legend notes.
 * @throws Error if `xs` and `ys` are not arrays of one length, `box` has a non-finite bound, or a flag is not a boolean.
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
  passThrough = true,
): ClippedPolyline {
  numberList("clipPolyline", "xs", xs);
  numberList("clipPolyline", "ys", ys);
  if (box === null || typeof box !== "object") throw new Error(`clipPolyline: box must be an object { x0, x1, y0, y1 }, got ${describe(box)}`);
  for (const k of ["x0", "x1", "y0", "y1"] as const) finiteNumber("clipPolyline", `box.${k}`, box[k]);
  booleanArg("clipPolyline", "stopAtNonFinite", stopAtNonFinite);
  booleanArg("clipPolyline", "passThrough", passThrough);
  if (xs.length !== ys.length) {
    throw new Error(`clipPolyline: ${xs.length} x values but ${ys.length} y values`);
  }
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  let firstNonFinite = -1;
  let nonFiniteCount = 0;
  let clipped = false;
  let firstOutside = -1;
  const exits: PolylineExit[] = [];
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
  let prevIn = false;
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
    } else if (prevIn && isIn) {
      // Both ends inside: nothing to clip (the box is convex).
      push(prev[0], prev[1]);
      push(x, y);
    } else if (!passThrough && !prevIn && !isIn) {
      flush();
    } else {
      const c = liangBarsky(prev[0], prev[1], x, y, box);
      if (c === null) {
        flush();
      } else {
        // Each clipped end goes exactly onto its edge (see edgePoint); the
        // run is broken wherever the path is outside.
        if (!prevIn) flush();
        const [ax, ay] = prevIn ? prev : edgePoint(prev[0], prev[1], x, y, c.e0, box);
        const [bx, by] = isIn ? [x, y] : edgePoint(prev[0], prev[1], x, y, c.e1, box);
        push(ax, ay);
        push(bx, by);
        if (!isIn) {
          const dx = x - prev[0];
          const dy = y - prev[1];
          const m = Math.max(Math.abs(dx), Math.abs(dy));
          exits.push({ step: i, at: [bx, by], toward: [dx / m, dy / m] });
          flush();
        }
      }
    }
    prev = [x, y];
    prevIn = isIn;
  }
  flush();
  return { runs, firstNonFinite, nonFiniteCount, clipped, firstOutside, exits };
}
