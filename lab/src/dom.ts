/** The few DOM helpers the tabs share. */

/** The element with this id; throws naming it if the page lacks it (a broken build, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`lab: the page has no element #${id}`);
  return el as T;
}

/** A new element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** `v` with 3 significant digits, as the sliders show and store it. */
export function round3(v: number): number {
  return Number(v.toPrecision(3));
}

/** A number for a table: fixed for ordinary sizes, exponential for tiny or huge ones. */
export function formatValue(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(digits - 1);
  return v.toFixed(digits);
}

/** A canvas sized to its CSS width at the screen's pixel density, `height` CSS pixels high; returns its 2-D context. */
export function fitCanvas(canvas: HTMLCanvasElement, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("lab: no 2-D canvas context");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** The shared store of settings: the tabs read it and patch it; every patch rewrites the URL hash. */
export interface Store<S> {
  /** The current settings. */
  get(): S;
  /** Applies `patch`, rewrites the hash, and tells every tab. */
  set(patch: Partial<S>): void;
}
