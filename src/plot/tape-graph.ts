/**
 * A gradient tape drawn as SVG: each tensor a rounded box (the op, the shape and dtype, the
 * gradient's norm once computed), coloured as micrograd and torchviz do (sources light blue,
 * constants the backward keeps orange, the target green), grouped in a dashed frame per layer,
 * laid out left to right by dagre (the layout TensorBoard's and Netron's graphs use). Pure
 * JavaScript, so it runs in a browser too.
 * @module
 */
import dagre from "@dagrejs/dagre";
import { GradientTape } from "../autograd/tape.js";
import { nodeColor, nodeLabel, TAPE_COLORS, type TapeColors, type TapeGraph, type TapeGraphOptions } from "../autograd/graph.js";
import { describe } from "../tensor/tensor.js";
import { openSvg } from "./frame.js";
import { el, text } from "./xml.js";

/** Options of {@link tapeGraph}. */
export interface TapeGraphPlotOptions extends TapeGraphOptions {
  /** A title above the graph. */
  title?: string;
  /** `'LR'` (default: inputs on the left) or `'TB'` (top to bottom). */
  direction?: "LR" | "TB";
}

const LINE = 14;
const CHAR = 6.6;
const PAD = 8;
const TITLE = 28;

/**
 * The graph a tape recorded, as a standalone SVG document.
 * @param tape - a tape that recorded something (or the graph `tape.toGraph()` returned).
 * @param options - `names` for tensors (`{ a, b }`), a `title`, the `direction`.
 * @throws Error when `tape` is neither a tape nor a graph, or recorded nothing.
 * @example
 * ```ts
 * writeFileSync("tape.svg", gt.plot.tapeGraph(tape, { names: { a, b }, title: "micrograd's expression" }));
 * ```
 */
export function tapeGraph(tape: GradientTape | TapeGraph, options: TapeGraphPlotOptions = {}): string {
  const graph = tape instanceof GradientTape ? tape.toGraph(options) : tape;
  if (graph === null || typeof graph !== "object" || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new Error(`plot.tapeGraph: expected a GradientTape or the graph tape.toGraph() returns, got ${describe(tape)}`);
  }
  if (graph.nodes.length === 0) throw new Error("plot.tapeGraph: the tape recorded no ops; run them inside tape.record(() => ...) on watched tensors");
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: options.direction ?? "LR", nodesep: 14, ranksep: 36, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const labels = new Map(graph.nodes.map((n) => [n.id, nodeLabel(n)]));
  for (const n of graph.nodes) {
    const lines = labels.get(n.id) as string[];
    g.setNode(n.id, { width: Math.max(...lines.map((l) => l.length)) * CHAR + 2 * PAD, height: lines.length * LINE + PAD });
    if (n.layer !== undefined) {
      const cluster = `layer:${n.layer}`;
      if (!g.hasNode(cluster)) g.setNode(cluster, { label: n.layer, width: 0, height: 0, paddingTop: LINE + 6 });
      g.setParent(n.id, cluster);
    }
  }
  graph.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  dagre.layout(g);
  const size = g.graph();
  const top = options.title === undefined ? 0 : TITLE;
  const width = Math.max(size.width ?? 0, options.title === undefined ? 0 : options.title.length * 7.5 + 24);
  const height = (size.height ?? 0) + top;
  const parts: string[] = [openSvg(width, height, options.title)];
  parts.push("<defs>" + el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555555" })) + "</defs>\n");
  if (options.title !== undefined) parts.push(el("text", { x: width / 2, y: 18, "text-anchor": "middle", "font-size": 14, "font-weight": "bold" }, text(options.title)) + "\n");
  parts.push(`<g transform="translate(0, ${top})">\n`);
  for (const id of g.nodes()) {
    if (!id.startsWith("layer:")) continue;
    const c = g.node(id);
    const x = (c.x ?? 0) - c.width / 2, y = (c.y ?? 0) - c.height / 2;
    parts.push(el("g", { class: "layer" }, [
      el("rect", { x, y, width: c.width, height: c.height, rx: 8, fill: "#fbfbff", stroke: "#8888aa", "stroke-dasharray": "5 3" }),
      el("text", { x: x + 8, y: y + LINE, "font-size": 11, fill: "#444466" }, text(String(c.label))),
    ]) + "\n");
  }
  for (const e of g.edges()) {
    const points: { x: number; y: number }[] = g.edge(e).points ?? [];
    if (points.length === 0) continue;
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    parts.push(el("path", { d, fill: "none", stroke: "#555555", "stroke-width": 1.2, "marker-end": "url(#arrow)" }) + "\n");
  }
  for (const n of graph.nodes) {
    const box = g.node(n.id);
    const x = (box.x ?? 0) - box.width / 2, y = (box.y ?? 0) - box.height / 2;
    const lines = labels.get(n.id) as string[];
    parts.push(el("g", { class: `node ${n.kind}${n.target ? " target" : ""}`, "data-id": n.id }, [
      el("rect", { x, y, width: box.width, height: box.height, rx: 6, fill: nodeColor(n), stroke: n.target ? "#4a7a00" : "#666666" }),
      ...lines.map((l, i) => el("text", { x: box.x ?? 0, y: y + PAD / 2 + LINE * (i + 0.8), "text-anchor": "middle", "font-size": i === 0 ? 12 : 10, "font-weight": i === 0 ? "bold" : undefined }, text(l))),
    ]) + "\n");
  }
  parts.push("</g>\n</svg>\n");
  return parts.join("");
}

export { TAPE_COLORS, type TapeColors };
