// The tape as a graph: micrograd's example expression gives the nodes, edges, values and gradient
// norms written out below; layers tag their ops; the DOT text and the SVG name every op.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { micrograd } from "../../examples/micrograd.js";
import { all, parseXml, unescape } from "../helpers/xml.js";

describe("tape.toGraph", () => {
  it("gives micrograd's expression as nodes and edges, with the gradients' norms", () => {
    const { a, b, g, tape } = micrograd();
    const [da, db] = tape.gradient(g, [a, b]);
    // micrograd's README: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
    expect(g.item()).toBeCloseTo(24.7041, 4);
    expect(da.item()).toBeCloseTo(138.8338, 4);
    expect(db.item()).toBeCloseTo(645.5773, 4);
    const graph = tape.toGraph({ names: { a, b } });
    const ops = graph.nodes.filter((n) => n.kind === "op").map((n) => n.op);
    expect(ops).toEqual([
      "add", "mul", "pow", "add", "add", "add", "add", "neg", "add", "add", "mul", "add", "relu", "add", "add",
      "mul", "sub", "relu", "add", "add", "sub", "pow", "div", "div", "add",
    ]);
    const sources = graph.nodes.filter((n) => n.source);
    expect(sources.map((n) => [n.name, n.value, n.gradientNorm])).toEqual([["a", -4, da.item()], ["b", 2, db.item()]]);
    // The plain numbers lifted to tensors are constants the backward rules keep: 1, 1, 2, 3, 2, 10.
    expect(graph.nodes.filter((n) => n.kind === "constant").map((n) => n.value)).toEqual([1, 1, 2, 3, 2, 10]);
    const targets = graph.nodes.filter((n) => n.target);
    expect(targets.map((n) => [n.op, n.gradientNorm, n.shape, n.dtype])).toEqual([["add", 1, [], "float64"]]);
    // 20 binary ops with two edges each; neg, two relus and two powers of a number with one: 45.
    expect(graph.edges.length).toBe(45);
    const id = (n: gt.Tensor) => `t${n.id}`;
    expect(graph.edges.slice(0, 4)).toEqual([
      { from: id(a), to: graph.nodes[2].id, input: 0 }, { from: id(b), to: graph.nodes[2].id, input: 1 },
      { from: id(a), to: graph.nodes[3].id, input: 0 }, { from: id(b), to: graph.nodes[3].id, input: 1 },
    ]);
    // Every edge joins two nodes of the graph, and inputs come before the ops that read them.
    const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
    for (const e of graph.edges) expect(order.get(e.from)!).toBeLessThan(order.get(e.to)!);
    // relu(b + a) = relu(-2) passes no gradient back.
    expect(graph.nodes.find((n) => n.op === "relu")!.gradientNorm).toBe(27.766763848396504);
    expect(graph.nodes[graph.nodes.indexOf(graph.nodes.find((n) => n.op === "relu")!) - 1].gradientNorm).toBe(0);
  });

  it("before gradient, marks the outputs no op read as targets and has no norms", () => {
    const { tape } = micrograd();
    const graph = tape.toGraph();
    expect(graph.nodes.filter((n) => n.target).length).toBe(1);
    expect(graph.nodes.some((n) => n.gradientNorm !== undefined)).toBe(false);
  });

  it("tags ops with the layer that ran them and names the variables", () => {
    const model = gt.sequential([
      gt.layers.dense({ units: 3, activation: "relu", inputShape: [4], seed: 1, name: "hidden" }),
      gt.layers.dense({ units: 2, activation: "softmax", seed: 2, name: "out" }),
    ]);
    const x = gt.randomNormal([5, 4], { seed: 3 });
    const y = gt.tensor([0, 1, 1, 0, 1], [5], "int32");
    const tape = new gt.GradientTape();
    const loss = tape.record(() => gt.losses.sparseCategoricalCrossentropy(y, model.call(x)));
    tape.gradient(loss, model.trainableVariables);
    const graph = tape.toGraph();
    expect(graph.nodes.filter((n) => n.source).map((n) => n.name)).toEqual(["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"]);
    expect([...new Set(graph.nodes.map((n) => n.layer))]).toEqual([undefined, "hidden", "out"]);
    expect(graph.nodes.filter((n) => n.source).map((n) => n.layer)).toEqual(["hidden", "hidden", "out", "out"]);
    expect(graph.nodes.filter((n) => n.layer === "out").map((n) => n.op)).toContain("softmax");
    for (const n of graph.nodes.filter((n) => n.source)) expect(n.gradientNorm).toBeGreaterThan(0);
    expect(graph.nodes.filter((n) => n.target).map((n) => n.shape)).toEqual([[]]);
  });

  it("rejects names that are not tensors", () => {
    const { tape } = micrograd();
    expect(() => tape.toGraph({ names: { a: 1 as unknown as gt.Tensor } })).toThrow("GradientTape.toGraph: names.a is not a tensor: got number 1");
  });
});

describe("tape.toDot", () => {
  it("writes every node with its colour and every edge, in a cluster per layer", () => {
    const { a, b, g, tape } = micrograd();
    tape.gradient(g, [a, b]);
    const dot = tape.toDot({ names: { a, b } });
    expect(dot.startsWith("digraph tape {\n  rankdir=LR;")).toBe(true);
    expect(dot).toContain(`t${a.id} [label="a = -4\\nscalar float64\\n|grad| 138.8", fillcolor="${gt.plot.TAPE_COLORS.source}"];`);
    expect(dot).toContain(`t${g.id} [label="add\\nscalar float64\\n|grad| 1", fillcolor="${gt.plot.TAPE_COLORS.target}"];`);
    expect(dot.match(/fillcolor="#ffd59a"/g)!.length).toBe(6);
    expect(dot.match(/ -> /g)!.length).toBe(45);
    const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], name: "fc" })]);
    const t2 = new gt.GradientTape();
    t2.record(() => model.call(gt.ones([1, 3])).sum());
    expect(t2.toDot()).toMatch(/subgraph cluster_0 \{\n {4}label="fc";/);
  });
});

describe("plot.tapeGraph", () => {
  it("draws a well-formed SVG that names every op, a box per tensor and an arrow per edge", () => {
    const { a, b, g, tape } = micrograd();
    tape.gradient(g, [a, b]);
    const svg = gt.plot.tapeGraph(tape, { names: { a, b }, title: "micrograd's expression" });
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    expect(svg).not.toMatch(/NaN|Infinity|undefined|null/);
    const graph = tape.toGraph();
    const boxes = all(root, (n) => n.name === "g" && (n.attrs.class ?? "").startsWith("node"));
    expect(boxes.length).toBe(graph.nodes.length);
    expect(all(root, (n) => n.name === "path" && n.attrs["marker-end"] === "url(#arrow)").length).toBe(graph.edges.length);
    const texts = all(root, (n) => n.name === "text").map((n) => unescape(n.text));
    for (const op of new Set(graph.nodes.map((n) => n.op).filter((o) => o !== null))) expect(texts).toContain(op);
    expect(texts).toContain("a = -4");
    expect(boxes.filter((n) => n.attrs.class === "node op target").length).toBe(1);
  });

  it("frames a layer's ops, and refuses a tape that recorded nothing", () => {
    const model = gt.sequential([
      gt.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1], seed: 1, name: "conv" }),
      gt.layers.flatten({ name: "flat" }),
      gt.layers.dense({ units: 2, seed: 2, name: "fc" }),
    ]);
    const tape = new gt.GradientTape();
    const loss = tape.record(() => model.call(gt.ones([1, 6, 6, 1])).square().mean());
    tape.gradient(loss, model.trainableVariables);
    const root = parseXml(gt.plot.tapeGraph(tape));
    const frames = all(root, (n) => n.name === "g" && n.attrs.class === "layer");
    expect(frames.map((f) => unescape(f.children[1].text))).toEqual(["conv", "flat", "fc"]);
    expect(() => gt.plot.tapeGraph(new gt.GradientTape())).toThrow("plot.tapeGraph: the tape recorded no ops");
  });
});
