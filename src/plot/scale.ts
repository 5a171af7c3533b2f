/**
 * Axis scales and "nice" tick generation for the SVG plots.
 *
 * @module
 */
import { booleanArg, finiteNumber } from "../util/args.js";

/** A 1-D mapping from data values to pixels, linear or base-10 logarithmic. */
export interface Scale {
  /** `"log"` maps through log10; only positive values are plottable. */
  readonly kind: "linear" | "log";
  /** Data-space domain `[lo, hi]` (for log, both positive). */
  readonly domain: readonly [number, number];
  /** Tick positions in data space, ascending, all inside the domain. */
  readonly ticks: readonly number[];
  /** Tick labels, one per tick. */
  readonly labels: readonly string[];
  /** Data value to the scale's linear space (identity or log10); NaN if not plottable. */
  transform(v: number): number;
}

/**
 * Picks a tick spacing of 1, 2 or 5 times a power of ten so that `span` is
 * covered by roughly `target` intervals.
 *
 * @param span - Positive, finite width of the range to cover.
 * @param target - Desired number of intervals (≥ 1).
 * @returns The step.
 * @throws Error if `span` is not positive and finite, or `target` < 1.
 * @example
 * ```ts
 * niceStep(1, 5);   // 0.2
 * niceStep(730, 5); // 200
 * ```
 */
export function niceStep(span: number, target: number): number {
  if (!(span > 0 && Number.isFinite(span))) throw new Error(`niceStep: span must be positive and finite, got ${span}`);
  if (!(target >= 1)) throw new Error(`niceStep: target must be at least 1, got ${target}`);
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const m = r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10;
  return m * mag;
}

/** Removes binary floating-point noise such as 0.30000000000000004. */
function clean(v: number): number {
  const c = Number(v.toPrecision(12));
  return c === 0 ? 0 : c;
}

/** Widens a zero-width range so a constant series still gets an axis. */
function widen(lo: number, hi: number): [number, number] {
  if (hi > lo) return [lo, hi];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

/**
 * Ticks at multiples of a nice step that fall inside `[lo, hi]`.
 *
 * @param lo - Range start (finite).
 * @param hi - Range end (finite, ≥ lo; equal values are widened).
 * @param target - Desired number of intervals, default 5.
 * @returns Ascending tick values.
 * @throws Error if `lo` or `hi` is not finite or `lo > hi`.
 * @example
 * ```ts
 * linearTicks(0, 1);  // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * linearTicks(-3, 7); // [-2, 0, 2, 4, 6]
 * ```
 */
export function linearTicks(lo: number, hi: number, target = 5): number[] {
  checkRange(lo, hi, "linearTicks");
  [lo, hi] = widen(lo, hi);
  const step = niceStep(hi - lo, target);
  const eps = 1e-9;
  const first = Math.ceil(lo / step - eps);
  const last = Math.floor(hi / step + eps);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(clean(i * step));
  return out;
}

/**
 * Expands `[lo, hi]` outward to multiples of the nice tick step, so the axis
 * starts and ends on a labelled tick.
 *
 * @param lo - Range start (finite).
 * @param hi - Range end (finite, ≥ lo; equal values are widened).
 * @param target - Desired number of intervals, default 5.
 * @returns The expanded `[lo, hi]`.
 * @throws Error if `lo` or `hi` is not finite or `lo > hi`.
 * @example
 * ```ts
 * niceDomain(-3, 7);      // [-4, 8]
 * niceDomain(0.13, 0.97); // [0, 1]
 * ```
 */
export function niceDomain(lo: number, hi: number, target = 5): [number, number] {
  checkRange(lo, hi, "niceDomain");
  [lo, hi] = widen(lo, hi);
  const step = niceStep(hi - lo, target);
  const eps = 1e-9;
  return [clean(Math.floor(lo / step + eps) * step), clean(Math.ceil(hi / step - eps) * step)];
}

/**
 * Formats a linear-axis tick with just enough decimals for its step.
 *
 * @param v - Tick value.
 * @param step - Spacing between ticks (decides the number of decimals).
 * @returns The label, e.g. `"0.2"`, `"1500"`, `"2e-6"`, `"3.5e7"`.
 * @throws Error if `v` is not a finite number or `step` not a finite number > 0.
 * @example
 * ```ts
 * formatTick(0.6000000000000001, 0.2); // "0.6"
 * ```
 */
export function formatTick(v: number, step: number): string {
  finiteNumber("formatTick", "v", v);
  finiteNumber("formatTick", "step", step, (s) => s > 0, "> 0");
  if (v === 0) return "0";
  const a = Math.abs(v);
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  if (a >= 1e6 || step < 1e-4) {
    const digits = Math.max(0, Math.min(15, Math.floor(Math.log10(a) + 1e-9) - stepExp));
    const [m, e] = v.toExponential(digits).split("e");
    return `${String(Number(m))}e${Number(e)}`;
  }
  const s = v.toFixed(Math.max(0, -stepExp));
  return /^-0(\.0*)?$/.test(s) ? "0" : s;
}

/**
 * Ticks for a base-10 log axis over `[lo, hi]` (both positive): every power
 * of ten, thinned when there are many decades, plus 2× and 5× multiples when
 * the range spans fewer than three decades.
 *
 * @param lo - Positive range start.
 * @param hi - Positive range end (≥ lo).
 * @returns Ascending tick values inside `[lo, hi]`.
 * @throws Error if the bounds are not positive and finite or `lo > hi`.
 * @example
 * ```ts
 * logTicks(1e-3, 1e2); // [0.001, 0.01, 0.1, 1, 10, 100]
 * logTicks(1, 10);     // [1, 2, 5, 10]
 * ```
 */
export function logTicks(lo: number, hi: number): number[] {
  checkRange(lo, hi, "logTicks");
  if (!(lo > 0)) throw new Error(`logTicks: a log axis needs positive bounds, got [${lo}, ${hi}]`);
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  const e1 = Math.ceil(Math.log10(hi) - 1e-9);
  const decades = e1 - e0;
  const every = Math.max(1, Math.ceil(decades / 8));
  const mults = decades < 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = e0; e <= e1; e++) {
    if ((e - e0) % every !== 0) continue;
    for (const m of mults) {
      const v = clean(m * 10 ** e);
      if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) out.push(v);
    }
  }
  return out;
}

/**
 * Formats a log-axis tick: plain decimals between 1e-4 and 1e5, else `1e-7` style.
 *
 * @param v - Positive tick value.
 * @returns The label.
 * @throws Error if `v` is not a finite number > 0.
 * @example
 * ```ts
 * formatLogTick(0.001); // "0.001"
 * formatLogTick(2e-7);  // "2e-7"
 * ```
 */
export function formatLogTick(v: number): string {
  finiteNumber("formatLogTick", "v", v, (x) => x > 0, "> 0");
  const e = Math.floor(Math.log10(v) + 1e-9);
  if (e >= -4 && e <= 5) return String(clean(v));
  const [m, ex] = v.toExponential(0).split("e");
  return `${m}e${Number(ex)}`;
}

function checkRange(lo: number, hi: number, fn: string): void {
  finiteNumber(fn, "lo", lo);
  finiteNumber(fn, "hi", hi);
  if (lo > hi) {
    throw new Error(`${fn}: need finite lo <= hi, got [${lo}, ${hi}]`);
  }
}

/**
 * Builds a linear {@link Scale}. With `nice`, the domain is widened to whole
 * tick steps; without it, the domain is used as given and ticks fall inside.
 *
 * @param lo - Smallest data value to show (finite).
 * @param hi - Largest data value to show (finite, ≥ lo).
 * @param nice - Whether to round the domain outward to tick steps.
 * @param target - Desired number of tick intervals.
 * @returns The scale.
 * @throws Error if the bounds are not finite or `lo > hi`, `nice` is not a boolean or `target` not a number >= 1.
 * @example
 * ```ts
 * linearScale(0.13, 0.97, true).domain; // [0, 1]
 * ```
 */
export function linearScale(lo: number, hi: number, nice: boolean, target = 5): Scale {
  checkRange(lo, hi, "linearScale");
  booleanArg("linearScale", "nice", nice);
  finiteNumber("linearScale", "target", target, (t) => t >= 1, ">= 1");
  const domain = nice ? niceDomain(lo, hi, target) : widen(lo, hi);
  const ticks = linearTicks(domain[0], domain[1], target);
  const step = niceStep(domain[1] - domain[0], target);
  return {
    kind: "linear",
    domain,
    ticks,
    labels: ticks.map((t) => formatTick(t, step)),
    transform: (v) => v,
  };
}

/**
 * Builds a base-10 log {@link Scale}; with `nice`, the domain is widened to
 * whole decades.
 *
 * @param lo - Smallest positive data value to show.
 * @param hi - Largest data value to show (≥ lo).
 * @param nice - Whether to round the domain outward to powers of ten.
 * @returns The scale; its `transform` returns NaN for values ≤ 0.
 * @throws Error if the bounds are not positive and finite or `lo > hi`.
 * @example
 * ```ts
 * logScale(0.003, 20, true).domain; // [0.001, 100]
 * ```
 */
export function logScale(lo: number, hi: number, nice: boolean): Scale {
  checkRange(lo, hi, "logScale");
  if (!(lo > 0)) throw new Error(`logScale: a log axis needs positive bounds, got [${lo}, ${hi}]`);
  let domain: [number, number];
  if (nice) {
    // Clamped so 10 ** e stays a positive finite double at the extremes.
    const e0 = Math.max(-323, Math.floor(Math.log10(lo) + 1e-9));
    let e1 = Math.min(308, Math.ceil(Math.log10(hi) - 1e-9));
    if (e1 <= e0) e1 = e0 + 1;
    domain = [clean(10 ** e0), clean(10 ** e1)];
  } else {
    domain = hi > lo ? [lo, hi] : [lo / 10, hi * 10];
  }
  const ticks = logTicks(domain[0], domain[1]);
  return {
    kind: "log",
    domain,
    ticks,
    labels: ticks.map(formatLogTick),
    transform: (v) => (v > 0 ? Math.log10(v) : NaN),
  };
}
