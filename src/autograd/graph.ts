/**
 * What a tape recorded, as a graph: one node per tensor (the tape's sources, the constants its
 * backward rules keep, and each op's output) and one edge per op input. `tape.toGraph()` and
 * `tape.toDot()` build on it; `plot.tapeGraph` draws it.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** @internal One recorded op as the graph sees it: shapes and ids, never the tensors themselves. */
export interface OpRecord {
  readonly op: string;
  readonly inputs: readonly { id: number; shape: readonly number[]; dtype: DType; value: number | undefined }[];
  readonly outputId: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The innermost layer whose `apply` was running, if any. */
  readonly layer: string | undefined;
}

/** What a graph node stands for. */
export type TapeNodeKind = "source" | "constant" | "op";

/** One tensor of a {@link TapeGraph}. */
export interface TapeGraphNode {
  /** `t` and the tensor's id: `t12`. */
  id: string;
  /** The op that computed it; null for a source or a constant. */
  op: string | null;
  /** `'source'`: watched (a trainable variable or `tape.watch`ed); `'constant'`: an unwatched input an op read (a backward rule keeps it); `'op'`: an op's output. */
  kind: TapeNodeKind;
  /** True for a watched input: something gradients can be asked for. */
  source: boolean;
  /** True for the tensor the last `gradient` call differentiated (before any call: the outputs no op read). */
  target: boolean;
  /** Its shape. */
  shape: number[];
  /** Its dtype. */
  dtype: DType;
  /** A variable's name, or a name given in `toGraph({ names })`. */
  name?: string;
  /** The layer whose call recorded the op (layers tag the ops they run), or that owns the weight. */
  layer?: string;
  /** The value of a one-element source or constant (micrograd shows every value; tensors are too big for that). */
  value?: number;
  /** The Euclidean norm of the gradient the last `gradient` call computed for it, if it computed one. */
  gradientNorm?: number;
}

/** One op input: from the input tensor's node to the op output's node. */
export interface TapeGraphEdge {
  /** The input's node id. */
  from: string;
  /** The op output's node id. */
  to: string;
  /** Which of the op's inputs it is (0 first). */
  input: number;
}

/** Nodes (tensors) and edges (op inputs) of what a tape recorded, in recording order. */
export interface TapeGraph {
  /** Sources and constants first where they are first read, each op's output after its inputs. */
  nodes: TapeGraphNode[];
  /** One per op input. */
  edges: TapeGraphEdge[];
}

/** Options of `tape.toGraph()` and `tape.toDot()`. */
export interface TapeGraphOptions {
  /** Names for tensors, shown on their nodes: `{ a, b }` labels `a` and `b`. */
  names?: Readonly<Record<string, Tensor>>;
}

/** @internal What the tape knows beyond its op records. */
export interface GraphContext {
  readonly watched: ReadonlySet<number>;
  readonly variableNames: ReadonlyMap<number, string>;
  readonly gradients: ReadonlyMap<number, Tensor> | undefined;
  readonly targetId: number | undefined;
}

function norm(t: Tensor): number {
  let s = 0;
  for (const v of t.data()) s += v * v;
  return Math.sqrt(s);
}

/** @internal The graph of `records`. */
export function buildGraph(records: readonly OpRecord[], ctx: GraphContext, options: TapeGraphOptions = {}): TapeGraph {
  const names = new Map<number, string>(ctx.variableNames);
  for (const [name, t] of Object.entries(options.names ?? {})) names.set(t.id, name);
  const produced = new Set(records.map((r) => r.outputId));
  const layerNames = new Set(records.map((r) => r.layer));
  const consumed = new Set(records.flatMap((r) => r.inputs.map((i) => i.id)));
  const nodes = new Map<number, TapeGraphNode>();
  const edges: TapeGraphEdge[] = [];
  const finish = (id: number, node: Omit<TapeGraphNode, "id" | "target" | "name" | "gradientNorm">): void => {
    const target = ctx.targetId === undefined ? node.kind === "op" && !consumed.has(id) : id === ctx.targetId;
    const full: TapeGraphNode = { id: `t${id}`, ...node, target };
    const name = names.get(id);
    if (name !== undefined) full.name = name;
    const g = ctx.gradients?.get(id);
    if (g !== undefined) full.gradientNorm = norm(g);
    nodes.set(id, full);
  };
  for (const r of records) {
    r.inputs.forEach((x, i) => {
      if (!nodes.has(x.id) && !produced.has(x.id)) {
        const source = ctx.watched.has(x.id);
        // A layer's weight (`conv/kernel`) is drawn inside its layer's frame.
        const owner = names.get(x.id)?.split("/")[0];
        const layer = owner !== undefined && layerNames.has(owner) ? { layer: owner } : {};
        finish(x.id, { op: null, kind: source ? "source" : "constant", source, shape: x.shape.slice(), dtype: x.dtype, ...layer, ...(x.value === undefined ? {} : { value: x.value }) });
      }
      edges.push({ from: `t${x.id}`, to: `t${r.outputId}`, input: i });
    });
    if (!nodes.has(r.outputId)) finish(r.outputId, { op: r.op, kind: "op", source: false, shape: r.shape.slice(), dtype: r.dtype, ...(r.layer === undefined ? {} : { layer: r.layer }) });
  }
  return { nodes: [...nodes.values()], edges };
}

/** The fill colour of each kind of node, as micrograd and torchviz colour them. */
export interface TapeColors {
  /** Sources (watched tensors, trainable variables): light blue. */
  readonly source: string;
  /** Constants the backward rules keep: orange. */
  readonly constant: string;
  /** Op outputs: light grey. */
  readonly op: string;
  /** The target of the last `gradient` call: green. */
  readonly target: string;
}

/** Fill colours, as micrograd and torchviz: sources light blue, saved constants orange, the target green. */
export const TAPE_COLORS: TapeColors = { source: "#add8e6", constant: "#ffd59a", op: "#f2f2f2", target: "#caff70" };

/** @internal A node's label lines: the op (or name), the shape and dtype, the gradient's norm. */
export function nodeLabel(n: TapeGraphNode): string[] {
  const leaf = n.value === undefined ? (n.name ?? n.kind) : `${n.name ?? ""}${n.name === undefined ? "" : " = "}${formatNumber(n.value)}`;
  const head = n.op === null ? leaf : n.name === undefined ? n.op : `${n.op} → ${n.name}`;
  const lines = [head, `${n.shape.length === 0 ? "scalar" : `[${n.shape.join(", ")}]`} ${n.dtype}`];
  if (n.gradientNorm !== undefined) lines.push(`|grad| ${formatNumber(n.gradientNorm)}`);
  return lines;
}

function formatNumber(v: number): string {
  return v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** @internal The fill colour of a node. */
export function nodeColor(n: TapeGraphNode): string {
  return n.target ? TAPE_COLORS.target : TAPE_COLORS[n.kind];
}

function dotString(...lines: string[]): string {
  return `"${lines.map((s) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')).join("\\n")}"`;
}

/** @internal Graphviz DOT text of a graph: left to right, one cluster per layer. */
export function graphToDot(graph: TapeGraph): string {
  const lines = ["digraph tape {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];'];
  const line = (n: TapeGraphNode) => `${n.id} [label=${dotString(...nodeLabel(n))}, fillcolor=${dotString(nodeColor(n))}];`;
  const layers = new Map<string, TapeGraphNode[]>();
  for (const n of graph.nodes) {
    if (n.layer === undefined) lines.push(`  ${line(n)}`);
    else layers.set(n.layer, [...(layers.get(n.layer) ?? []), n]);
  }
  [...layers].forEach(([layer, members], i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${dotString(layer)};`, '    style="rounded,dashed";', ...members.map((n) => `    ${line(n)}`), "  }");
  });
  for (const e of graph.edges) lines.push(`  ${e.from} -> ${e.to};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
