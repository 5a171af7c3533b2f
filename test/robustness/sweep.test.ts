// Every public function, one way: the package's exports are enumerated (root functions, the
// namespaces' functions, classes' constructors, Tensor methods, Model and Layer methods) and each
// is called with missing arguments and with arguments of the wrong kind. Each call must either
// return or throw an Error of class Error (not a TypeError or RangeError escaping from inside)
// whose message names the function, and must answer within a time bound. The number of calls is
// printed and asserted, so that the sweep cannot shrink unnoticed.
import { afterAll, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as gt from "../../src/index.js";

const work = mkdtempSync(join(tmpdir(), "gradtape-sweep-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Functions that change the process' state in ways later calls depend on, or wait on purpose. */
const SKIP = new Set(["setRandomSeed", "setBackend", "setThreads", "threadsReady"]);

/** Arguments of the wrong kind, with a label for the report. A string is a path nobody can write. */
const BAD: [string, unknown][] = [
  ["undefined", undefined],
  ["null", null],
  ["a string", "/proc/gradtape-sweep/x"],
  ["true", true],
  ["NaN", NaN],
  ["-1", -1],
  ["1.5", 1.5],
  ["1e12", 1e12],
  ["{}", {}],
  ["{ foo: 1 }", { foo: 1 }],
  ["[]", []],
  ["a ragged array", [[1], [2, 3]]],
  ["['a']", ["a"]],
  ["a huge shape", [1e6, 1e6]],
  ["a function", () => 0],
  ["a DataView", new DataView(new ArrayBuffer(8))],
  ["a Map", new Map()],
];

/**
 * Names a message may use instead of the export's own: aliases say what they stand for
 * (`metrics.mse` is `meanSquaredError`), activation layers are made by `activation`, IDX parsers
 * name the format, `new Model` is what `sequential` calls and `new InputLayer` what `input` calls.
 * Methods of a model or layer may name the instance (Keras' habit), see `sweep`.
 */
const ALIASES: Record<string, readonly string[]> = {
  mse: ["meanSquaredError"], mae: ["meanAbsoluteError"], kld: ["kullbackLeiblerDivergence", "kld"],
  relu: ["activation"], sigmoid: ["activation"], tanh: ["activation"], softmax: ["activation"], leakyRelu: ["activation"],
  readIdx: ["IDX"], parseIdx: ["IDX"], Functional: ["model"], Model: ["sequential"], InputLayer: ["input"],
};

const TIME_LIMIT_MS = 3000;
const failures: string[] = [];
let calls = 0;
/** Functions, constructors and methods swept: each is asserted, none is let off. */
let swept = 0;

function fixtures() {
  const x = gt.randomNormal([2, 3], { seed: 1 });
  const model = gt.sequential([gt.layers.dense({ units: 2, inputShape: [3], seed: 1 })]);
  model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: "meanSquaredError" });
  return { x, model };
}

/** Checks what one call did; `name` is what the message must mention. */
async function probe(label: string, name: string, call: () => unknown, also: readonly string[] = []): Promise<void> {
  calls++;
  // SWEEP_TRACE=file writes each call before it is made (to find a hang) and the failures after.
  if (process.env.SWEEP_TRACE) appendFileSync(process.env.SWEEP_TRACE, `${label}\n`);
  const started = Date.now();
  let error: unknown;
  try {
    const result = call();
    if (result instanceof Promise) {
      await Promise.race([result, new Promise((_, reject) => setTimeout(() => reject(new Error(`${name}: sweep timeout`)), TIME_LIMIT_MS))]);
    }
  } catch (e) {
    error = e;
  }
  const elapsed = Date.now() - started;
  if (elapsed > TIME_LIMIT_MS) failures.push(`${label}: took ${elapsed} ms`);
  if (error === undefined) return;
  if (!(error instanceof Error)) return void failures.push(`${label}: threw a non-Error ${String(error)}`);
  const bare = error.constructor !== Error && !(error.constructor.prototype instanceof Error && error.constructor.name.endsWith("Error") && !(error instanceof TypeError) && !(error instanceof RangeError) && !(error instanceof SyntaxError) && !(error instanceof ReferenceError));
  if (bare || error instanceof TypeError || error instanceof RangeError) return void failures.push(`${label}: ${error.constructor.name}: ${error.message}`);
  const names = [name, ...(ALIASES[name] ?? []), ...also].map((n) => n.toLowerCase());
  if (!names.some((n) => error.message.toLowerCase().includes(n))) failures.push(`${label}: message does not name ${name}: ${error.message}`);
}

/** Calls `fn` with no arguments, each bad value alone, and each after one or two good tensors. */
async function sweep(label: string, name: string, invoke: (...args: unknown[]) => unknown, good: unknown[], also: readonly string[] = []): Promise<void> {
  swept++;
  await probe(`${label}()`, name, () => invoke(), also);
  for (const [what, bad] of BAD) {
    await probe(`${label}(${what})`, name, () => invoke(bad), also);
    await probe(`${label}(good, ${what})`, name, () => invoke(good[0], bad), also);
    await probe(`${label}(good, good, ${what})`, name, () => invoke(good[0], good[1], bad), also);
  }
}

const isClass = (f: unknown): f is new (...args: unknown[]) => unknown => typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));

function methodsOf(proto: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, k)!;
      if (k !== "constructor" && typeof d.value === "function") names.add(k);
    }
  }
  return [...names].sort();
}

it("every public function answers bad arguments with an Error that names it, in bounded time", { timeout: 600_000 }, async () => {
  const namespaces: [string, Record<string, unknown>][] = [["gt", gt as unknown as Record<string, unknown>]];
  for (const [k, v] of Object.entries(gt)) if (v !== null && typeof v === "object") namespaces.push([`gt.${k}`, v as Record<string, unknown>]);
  for (const [ns, mod] of namespaces) {
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== "function" || SKIP.has(name)) continue;
      const { x } = fixtures();
      const label = `${ns}.${name}`;
      if (isClass(value)) await sweep(`new ${label}`, name, (...args) => new value(...args), [x, x]);
      else await sweep(label, name, (...args) => (value as (...a: unknown[]) => unknown)(...args), [x, x]);
    }
  }
  // Tensor methods, on a float32 [2, 3] tensor.
  for (const m of methodsOf(gt.Tensor.prototype)) {
    const { x } = fixtures();
    const fn = (x as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!;
    await sweep(`x.${m}`, m, (...args) => fn.apply(x, args), [[0, 0], [1, 1]]);
  }
  // Model methods (a compiled one-layer model) and Layer methods (its dense layer).
  for (const m of methodsOf(gt.Model.prototype)) {
    const { model, x } = fixtures();
    const fn = (model as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!;
    await sweep(`model.${m}`, m, (...args) => fn.apply(model, args), [x, join(work, `m${calls}`)], [model.name]);
  }
  for (const m of methodsOf(Object.getPrototypeOf(fixtures().model.layers[0]))) {
    const { model, x } = fixtures();
    const layer = model.layers[0]!;
    const fn = (layer as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!;
    await sweep(`layer.${m}`, m, (...args) => fn.apply(layer, args), [x, x], [layer.name]);
  }
  console.log(`sweep: ${calls} calls to ${swept} functions, constructors and methods; ${failures.length} failures`);
  if (process.env.SWEEP_TRACE) writeFileSync(`${process.env.SWEEP_TRACE}.failures`, failures.join("\n"));
  expect(failures).toEqual([]);
  expect(calls).toBeGreaterThan(15_000);
  expect(swept).toBeGreaterThan(300);
});
