/**
 * Minimal, dependency-free helpers for emitting well-formed SVG/XML text.
 *
 * @module
 */
import { stringArg } from "../util/args.js";

/**
 * Escapes text for use in XML character data or a double- or single-quoted
 * attribute value. Characters XML 1.0 forbids outright (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) become U+FFFD, because no escape makes them legal.
 *
 * @param text - Any string, e.g. a user-supplied series name.
 * @returns The escaped string.
 * @throws Never.
 * @example
 * ```ts
 * escapeXml('loss <a & b>'); // "loss &lt;a &amp; b&gt;"
 * ```
 */
export function escapeXml(text: string): string {
  stringArg("escapeXml", "text", text);
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Formats a coordinate or length for an SVG attribute with at most two
 * decimals (sub-pixel precision beyond that only bloats the file).
 *
 * Throws on non-finite input so that a bug upstream can never leak `NaN` or
 * `Infinity` into an SVG, where renderers silently drop the element.
 *
 * @param n - A finite number.
 * @returns Shortest decimal form, `-0` normalised to `0`.
 * @throws Error if `n` is NaN or infinite.
 * @example
 * ```ts
 * fmt(12.3456); // "12.35"
 * ```
 */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) {
    throw new Error(`plot: internal error, non-finite coordinate ${n} reached the SVG writer`);
  }
  const r = Math.round(n * 100) / 100;
  return r === 0 ? "0" : String(r);
}

/** Attribute values: strings are escaped, numbers go through {@link fmt}, `undefined` is omitted. */
export type Attrs = Record<string, string | number | undefined>;

/**
 * Builds one XML element as a string.
 *
 * @param name - Tag name (trusted, not escaped).
 * @param attrs - Attributes; `undefined` values are skipped, numbers formatted with {@link fmt}.
 * @param children - Already-serialised child markup; omit for a self-closing tag.
 *   Use {@link text} to include plain text safely.
 * @returns The element markup.
 * @throws Error if a numeric attribute is non-finite.
 * @example
 * ```ts
 * el("circle", { cx: 1, cy: 2, r: 3 }); // '<circle cx="1" cy="2" r="3"/>'
 * ```
 */
export function el(name: string, attrs: Attrs = {}, children?: string | readonly string[]): string {
  let out = "<" + name;
  for (const key of Object.keys(attrs)) {
    const v = attrs[key];
    if (v === undefined) continue;
    out += ` ${key}="${typeof v === "number" ? fmt(v) : escapeXml(v)}"`;
  }
  if (children === undefined) return out + "/>";
  const inner = typeof children === "string" ? children : children.join("");
  return `${out}>${inner}</${name}>`;
}

/**
 * Escapes plain text for use as element content (alias of {@link escapeXml},
 * named for readability at call sites).
 *
 * @param s - Text to include.
 * @returns Escaped text.
 * @throws Never.
 * @example
 * ```ts
 * el("text", { x: 0, y: 10 }, text("a < b"));
 * ```
 */
export function text(s: string): string {
  return escapeXml(s);
}

/**
 * Formats a number for display in a legend or note: up to 4 significant
 * digits, exponent form for very large or small magnitudes.
 *
 * @param v - Any number; non-finite values are spelled out (`"NaN"`, `"∞"`)
 *   since this is for human-readable text, never coordinates.
 * @returns A short label.
 * @throws Never.
 * @example
 * ```ts
 * formatNumber(0.000123456); // "1.235e-4"
 * ```
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "not a number";
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(4)));
  const [m, e] = v.toExponential(3).split("e");
  return `${String(Number(m))}e${Number(e)}`;
}
