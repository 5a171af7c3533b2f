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

/** The settings' keys whose values are numbers. */
type NumericKey<S> = { [K in keyof S]: S[K] extends number ? K : never }[keyof S];

/** A range input `#id` (and its `#id-out` readout) for a number setting; `log`: the slider holds log10 of it. */
export interface SliderSpec<S> { id: string; key: NumericKey<S>; log?: boolean }
/** A number input `#id` for a setting, with the values it accepts. */
export interface NumberSpec<S> { id: string; key: NumericKey<S>; ok: (v: number) => boolean }

/**
 * Binds sliders and number inputs to the store: moving one patches the store (a log slider's value
 * with 3 significant digits; a number that is not `ok` is put back). Returns the function that
 * shows a settings object in them.
 */
export function bindNumbers<S>(store: Store<S>, sliders: SliderSpec<S>[], numbers: NumberSpec<S>[] = []): (s: S) => void {
  for (const { id, key, log } of sliders) {
    byId<HTMLInputElement>(id).addEventListener("input", (e) => {
      const v = Number((e.target as HTMLInputElement).value);
      store.set({ [key]: log ? round3(10 ** v) : v } as Partial<S>);
    });
  }
  const show = (s: S) => {
    for (const { id, key, log } of sliders) {
      const v = s[key] as number;
      byId<HTMLInputElement>(id).value = String(log ? Math.log10(v) : v);
      byId(`${id}-out`).textContent = String(v);
    }
    for (const { id, key } of numbers) byId<HTMLInputElement>(id).value = String(s[key]);
  };
  for (const { id, key, ok } of numbers) {
    byId<HTMLInputElement>(id).addEventListener("change", (e) => {
      const v = Number((e.target as HTMLInputElement).value);
      if (Number.isFinite(v) && ok(v)) store.set({ [key]: v } as Partial<S>);
      else show(store.get());
    });
  }
  return show;
}

/**
 * One checkbox per optimizer kind in the fieldset `#fieldsetId`, with its colour swatch and a label
 * element `#prefix-kind-label`; `onChange` gets the kinds ticked and returns false to refuse.
 */
export function optimizerToggles<K extends string>(fieldsetId: string, prefix: string, kinds: readonly K[], colors: Record<K, string>, onChange: (chosen: K[]) => boolean): Map<K, HTMLInputElement> {
  const toggles = new Map<K, HTMLInputElement>();
  const fieldset = byId(fieldsetId);
  for (const kind of kinds) {
    const box = el("input", { type: "checkbox", id: `${prefix}-${kind}` });
    toggles.set(kind, box);
    fieldset.append(el("label", {}, box, el("span", { class: "swatch", style: `background:${colors[kind]}` }), el("span", { id: `${prefix}-${kind}-label` })));
    box.addEventListener("change", () => {
      if (!onChange(kinds.filter((k) => toggles.get(k)!.checked))) box.checked = !box.checked;
    });
  }
  return toggles;
}
