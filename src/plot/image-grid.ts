/**
 * A grid of small grayscale images as standalone SVG: the feature maps of a convolution, a
 * batch of digits. Each image is scaled to its own range (its minimum black, its maximum white)
 * and embedded as a PNG, drawn with crisp pixels.
 * @module
 */
import { optionNames, requiredOptions } from "../util/options.js";
import { openSvg } from "./frame.js";
import { base64, grayscalePng } from "./png.js";
import { el, text } from "./xml.js";

/** One image of {@link imageGrid}. */
export interface GridImage {
  /** Row-major values, `height · width` of them; any finite range. */
  values: ArrayLike<number>;
  /** Caption under the image. */
  label?: string;
  /** Its own width, when it differs from the grid's (drawn centred in its cell). */
  width?: number;
  /** Its own height, when it differs from the grid's. */
  height?: number;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** The images, `height × width` unless they say otherwise. */
  images: GridImage[];
  /** Pixels per image row. */
  width: number;
  /** Rows per image. */
  height: number;
  /** Images per row of the grid (default 8). */
  columns?: number;
  /** Drawn size of one image pixel, in px (default 3). */
  scale?: number;
  /** Title above the grid. */
  title?: string;
}

const PAD = 8;
const CAPTION = 14;
const TITLE = 28;

/**
 * An SVG of the images in a grid, each with its caption.
 * @throws Error when an image has the wrong number of values or a non-finite one.
 * @example `gt.plot.imageGrid({ images: maps.map((values, i) => ({ values, label: `filter ${i}` })), width: 26, height: 26 })`
 */
export function imageGrid(options: ImageGridOptions): string {
  requiredOptions("imageGrid", options, optionNames<ImageGridOptions>({ images: true, width: true, height: true, columns: true, scale: true, title: true }), "imageGrid({ images: [{ values, label }], width: 28, height: 28 })");
  const { images, width, height, columns = 8, scale = 3, title } = options;
  if (!Array.isArray(images) || images.length === 0) throw new Error("imageGrid: images must be a non-empty array");
  const cellW = Math.max(width, ...images.map((im) => im.width ?? width)) * scale;
  const cellH = Math.max(height, ...images.map((im) => im.height ?? height)) * scale;
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / cols);
  const top = title ? TITLE : PAD;
  const totalW = PAD + cols * (cellW + PAD);
  const totalH = top + rows * (cellH + CAPTION + PAD);
  const parts = [openSvg(totalW, totalH, title)];
  if (title) parts.push(el("text", { x: totalW / 2, y: 19, "text-anchor": "middle", "font-size": 15 }, text(title)));
  images.forEach((img, i) => {
    const x = PAD + (i % cols) * (cellW + PAD);
    const y = top + Math.floor(i / cols) * (cellH + CAPTION + PAD);
    const w = img.width ?? width, h = img.height ?? height;
    const png = grayscalePng(toGray(img.values, w * h, i), w, h);
    const ix = x + (cellW - w * scale) / 2, iy = y + (cellH - h * scale) / 2;
    parts.push(el("image", {
      x: ix, y: iy, width: w * scale, height: h * scale, href: `data:image/png;base64,${base64(png)}`,
      preserveAspectRatio: "none", style: "image-rendering:pixelated",
    }));
    parts.push(el("rect", { x: ix, y: iy, width: w * scale, height: h * scale, fill: "none", stroke: "#999999", "stroke-width": 0.5 }));
    if (img.label !== undefined) parts.push(el("text", { x: x + cellW / 2, y: y + cellH + 11, "text-anchor": "middle", "font-size": 10 }, text(img.label)));
  });
  return parts.join("\n") + "\n</svg>\n";
}

/** Values scaled to 0–255 over their own range (a constant image, such as a dead relu map, is black). */
function toGray(values: ArrayLike<number>, n: number, index: number): Uint8Array {
  if (values.length !== n) throw new Error(`imageGrid: image ${index} has ${values.length} values, expected ${n}`);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`imageGrid: image ${index} has a non-finite value ${v} at ${i}`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = hi > lo ? Math.round((255 * (values[i] - lo)) / (hi - lo)) : 0;
  return out;
}
