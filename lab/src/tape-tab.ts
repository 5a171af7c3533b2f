/**
 * The Tape tab: a small computation recorded on a gradtape tape and drawn as the graph it
 * recorded (`gt.plot.tapeGraph`), with the values and gradients the tape computed.
 */
import * as gt from "gradtape";
import { micrograd as microgradExpression } from "../../examples/micrograd.js";
import { byId, el, formatValue, type Store } from "./dom.js";
import { TAPE_EXAMPLE_IDS, type Settings } from "./settings.js";

/** What an example leaves to draw: its tape (after `gradient`), the names of its tensors, and rows of numbers. */
interface Recorded {
  tape: gt.GradientTape;
  names: Record<string, gt.Tensor>;
  rows: [string, number][];
  note: string;
}

/** micrograd's README expression (examples/micrograd.ts), with its gradient. */
function micrograd(): Recorded {
  const { a, b, g, tape } = microgradExpression();
  const [da, db] = tape.gradient(g, [a, b]);
  return {
    tape,
    names: { a, b, g },
    rows: [["g", g.item()], ["dg/da", da!.item()], ["dg/db", db!.item()]],
    note: "micrograd's example (a = −4, b = 2). micrograd prints g = 24.7041, a.grad = 138.8338, b.grad = 645.5773.",
  };
}

/** micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), with the lecture's numbers (o = 0.7071). */
function neuron(): Recorded {
  const [x1, x2, w1, w2] = [2, 0, -3, 1].map((v) => gt.tensor(v, [], "float64")) as [gt.Tensor, gt.Tensor, gt.Tensor, gt.Tensor];
  const b = gt.tensor(6.8813735870195432, [], "float64");
  const tape = new gt.GradientTape();
  tape.watch([x1, x2, w1, w2, b]);
  const o = tape.record(() => x1.mul(w1).add(x2.mul(w2)).add(b).tanh());
  const grads = tape.gradient(o, [x1, x2, w1, w2, b]);
  const names = ["x1", "x2", "w1", "w2", "b"];
  return {
    tape,
    names: { x1, x2, w1, w2, b, o },
    rows: [["o", o.item()], ...names.map((n, i): [string, number] => [`do/d${n}`, grads[i]!.item()])],
    note: "One neuron, as in micrograd's lecture: o = tanh(x1·w1 + x2·w2 + b) = 0.7071, do/dx1 = −1.5, do/dw1 = 1.",
  };
}

/** One training step of a tiny network: 2 → 3 (relu) → 1 on four points, mean squared error, momentum SGD. */
function trainingStep(seed: number): Recorded {
  const x = gt.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = gt.tensor([[0], [1], [1], [0]]);
  const model = gt.sequential([
    gt.layers.dense({ units: 3, activation: "relu", inputShape: [2], seed }),
    gt.layers.dense({ units: 1, seed: seed + 1 }),
  ]);
  const optimizer = new gt.optim.SGD({ learningRate: 0.1, momentum: 0.9 });
  const tape = new gt.GradientTape();
  const loss = tape.record(() => gt.losses.meanSquaredError(y, model.call(x)));
  const gradients = tape.gradient(loss, model.trainableVariables);
  optimizer.applyGradients(gt.zip(gradients, model.trainableVariables));
  const after = gt.losses.meanSquaredError(y, model.call(x)).item();
  return {
    tape,
    names: { x, y, loss },
    rows: [["loss before the step", loss.item()], ["loss after the step", after], ...model.trainableVariables.map((v, i): [string, number] => [`|gradient| of ${v.name}`, Math.hypot(...gradients[i]!.data())])],
    note: `The article's loop, once: the tape records the layers' ops (framed by layer), gradient, then applyGradients with momentum SGD (lr 0.1, m 0.9); seed ${seed}.`,
  };
}

/** The examples, by the id the URL keeps. */
export const TAPE_EXAMPLES: Record<(typeof TAPE_EXAMPLE_IDS)[number], { name: string; run: (seed: number) => Recorded }> = {
  micrograd: { name: "micrograd's expression", run: micrograd },
  neuron: { name: "one neuron (tanh)", run: neuron },
  step: { name: "one training step of a tiny network", run: trainingStep },
};

/** Mounts the tab on the page's #tape section. */
export function mountTape(store: Store<Settings>): { refresh(): void } {
  const select = byId<HTMLSelectElement>("expression");
  for (const [id, { name }] of Object.entries(TAPE_EXAMPLES)) select.append(el("option", { value: id }, name));
  select.addEventListener("change", () => store.set({ expression: select.value }));
  let shown = "";
  return {
    refresh() {
      const s = store.get();
      const id = TAPE_EXAMPLE_IDS.find((e) => e === s.expression) ?? "micrograd";
      select.value = id;
      const key = `${id}:${s.seed}`;
      if (key === shown || byId("tape").hidden) return;
      shown = key;
      const { tape, names, rows, note } = TAPE_EXAMPLES[id]!.run(s.seed);
      byId("tape-note").textContent = note;
      byId("tape-values").replaceChildren(...rows.map(([name, v]) => el("tr", { "data-name": name, "data-value": String(v) }, el("th", {}, name), el("td", {}, formatValue(v)))));
      // The plot module writes standalone documents: drop the XML declaration to inline it.
      byId("tape-graph").innerHTML = gt.plot.tapeGraph(tape, { names, title: TAPE_EXAMPLES[id]!.name }).replace(/^<\?xml[^>]*>\s*/, "");
    },
  };
}
