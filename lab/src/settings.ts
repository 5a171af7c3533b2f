/**
 * Every setting of the lab, and its place in the URL hash (`#tab=paths&f=rosenbrock&x=-1.5&…`), so
 * that a link restores a prepared view. A value that does not parse falls back to its default and
 * is reported, never thrown.
 */
import { surfaces, type Surface } from "../../examples/paths.js";
import { OPTIMIZER_KINDS, type OptimizerKind } from "./optimizers.js";

/** The tabs. */
export const TABS = ["paths", "race", "tape"] as const;
/** One of {@link TABS}. */
export type Tab = (typeof TABS)[number];

/** The models the race can train. */
export const RACE_MODELS = ["mlp", "cnn"] as const;

/** Everything a link can set. */
export interface Settings {
  tab: Tab;
  // Paths
  surface: string;
  start: [number, number];
  learningRate: number;
  adaptiveLearningRate: number;
  momentum: number;
  tolerance: number;
  maxSteps: number;
  optimizers: OptimizerKind[];
  drop: number;
  dropFactor: number;
  keras: boolean;
  speed: number;
  // MNIST race
  raceOptimizers: OptimizerKind[];
  raceLearningRate: number;
  raceAdaptiveLearningRate: number;
  raceMomentum: number;
  raceSteps: number;
  batchSize: number;
  model: (typeof RACE_MODELS)[number];
  seed: number;
  // Tape
  expression: string;
}

/** The surface named `id`, or Rosenbrock's. */
export function surfaceById(id: string): Surface {
  return surfaces.find((s) => s.id === id) ?? surfaces[0]!;
}

/** The Paths settings a surface starts with: its start, rates, tolerance and length. */
export function surfaceDefaults(surface: Surface): Pick<Settings, "surface" | "start" | "learningRate" | "adaptiveLearningRate" | "tolerance" | "maxSteps"> {
  return {
    surface: surface.id,
    start: [...surface.start],
    learningRate: surface.learningRate,
    adaptiveLearningRate: surface.adaptiveLearningRate,
    tolerance: surface.tolerance,
    maxSteps: surface.maxSteps,
  };
}

/** The view a bare URL shows: the article's Rosenbrock run, every optimizer. */
export function defaultSettings(surface: Surface = surfaces[0]!): Settings {
  return {
    tab: "paths",
    ...surfaceDefaults(surface),
    momentum: 0.9,
    optimizers: [...OPTIMIZER_KINDS],
    drop: 0,
    dropFactor: 0.1,
    keras: false,
    speed: 20,
    raceOptimizers: ["sgd", "momentum"],
    raceLearningRate: 0.05,
    raceAdaptiveLearningRate: 0.001,
    raceMomentum: 0.9,
    raceSteps: 300,
    batchSize: 64,
    model: "mlp",
    seed: 1,
    expression: "micrograd",
  };
}

type NumberKey = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];
type ListKey = "optimizers" | "raceOptimizers";

/** A number setting: its URL key and the range it must fall in. */
interface NumberField { key: string; name: NumberKey; min: number; max: number; integer?: boolean }

const NUMBERS: NumberField[] = [
  { key: "lr", name: "learningRate", min: 1e-6, max: 10 },
  { key: "alr", name: "adaptiveLearningRate", min: 1e-6, max: 10 },
  { key: "m", name: "momentum", min: 0, max: 0.999 },
  { key: "tol", name: "tolerance", min: 1e-12, max: 1e3 },
  { key: "steps", name: "maxSteps", min: 1, max: 100000, integer: true },
  { key: "drop", name: "drop", min: 0, max: 100000, integer: true },
  { key: "dropf", name: "dropFactor", min: 0, max: 10 },
  { key: "speed", name: "speed", min: 1, max: 1000, integer: true },
  { key: "rlr", name: "raceLearningRate", min: 1e-6, max: 10 },
  { key: "ralr", name: "raceAdaptiveLearningRate", min: 1e-6, max: 10 },
  { key: "rm", name: "raceMomentum", min: 0, max: 0.999 },
  { key: "rsteps", name: "raceSteps", min: 1, max: 100000, integer: true },
  { key: "batch", name: "batchSize", min: 1, max: 1000, integer: true },
  { key: "seed", name: "seed", min: 0, max: 2 ** 31, integer: true },
];
const LISTS: { key: string; name: ListKey; min: number; max: number }[] = [
  { key: "opt", name: "optimizers", min: 0, max: 5 },
  { key: "race", name: "raceOptimizers", min: 2, max: 4 },
];

/** The hash for `s`: every setting, so a link says exactly what it shows. */
export function toHash(s: Settings): string {
  const p = new URLSearchParams();
  p.set("tab", s.tab);
  p.set("f", s.surface);
  p.set("x", String(s.start[0]));
  p.set("y", String(s.start[1]));
  for (const { key, name } of NUMBERS) p.set(key, String(s[name]));
  for (const { key, name } of LISTS) p.set(key, s[name].join(","));
  p.set("keras", s.keras ? "1" : "0");
  p.set("model", s.model);
  p.set("expr", s.expression);
  return `#${p.toString().replaceAll("%2C", ",")}`;
}

/** Settings read from a hash, and the entries that were ignored (unknown keys, values out of range). */
export function fromHash(hash: string): { settings: Settings; ignored: string[] } {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const ignored: string[] = [];
  const surface = surfaces.find((x) => x.id === p.get("f"));
  if (p.has("f") && surface === undefined) ignored.push(`f=${p.get("f")}`);
  const s = defaultSettings(surface);
  const known = new Set(["tab", "f", "x", "y", "keras", "model", "expr", ...NUMBERS.map((n) => n.key), ...LISTS.map((l) => l.key)]);
  for (const key of p.keys()) if (!known.has(key)) ignored.push(key);

  const number = (key: string, min: number, max: number, integer = false): number | undefined => {
    const raw = p.get(key);
    if (raw === null) return undefined;
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      ignored.push(`${key}=${raw}`);
      return undefined;
    }
    return v;
  };
  const tab = p.get("tab");
  if (tab !== null) (TABS as readonly string[]).includes(tab) ? (s.tab = tab as Tab) : ignored.push(`tab=${tab}`);
  const [x0, x1] = surfaceById(s.surface).box.x;
  const [y0, y1] = surfaceById(s.surface).box.y;
  const x = number("x", x0, x1);
  const y = number("y", y0, y1);
  if (x !== undefined) s.start[0] = x;
  if (y !== undefined) s.start[1] = y;
  for (const { key, name, min, max, integer } of NUMBERS) {
    const v = number(key, min, max, integer);
    if (v !== undefined) s[name] = v;
  }
  for (const { key, name, min, max } of LISTS) {
    const raw = p.get(key);
    if (raw === null) continue;
    const kinds = raw === "" ? [] : raw.split(",");
    const valid = kinds.every((k) => (OPTIMIZER_KINDS as readonly string[]).includes(k)) && new Set(kinds).size === kinds.length;
    if (valid && kinds.length >= min && kinds.length <= max) s[name] = OPTIMIZER_KINDS.filter((k) => kinds.includes(k));
    else ignored.push(`${key}=${raw}`);
  }
  const keras = p.get("keras");
  if (keras !== null) keras === "1" || keras === "0" ? (s.keras = keras === "1") : ignored.push(`keras=${keras}`);
  const model = p.get("model");
  if (model !== null) (RACE_MODELS as readonly string[]).includes(model) ? (s.model = model as Settings["model"]) : ignored.push(`model=${model}`);
  const expr = p.get("expr");
  if (expr !== null) s.expression = expr;
  return { settings: s, ignored };
}
