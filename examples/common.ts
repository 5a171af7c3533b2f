/**
 * What the examples share: their command line (`--quick`, which CI uses, and `--out DIR`, where
 * plots are written), read strictly, and writing those plots.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs, type ArgSpec } from "./args.js";

/** The options an example takes beyond `--quick` and `--out DIR`, by script name. */
const EXTRA_OPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "mnist-custom-loop": { dir: "DIR" },
};

const program = basename(process.argv[1] ?? "example", ".js");
const spec: ArgSpec = { flags: ["quick"], options: { out: "DIR", ...EXTRA_OPTIONS[program] } };
const args = (() => {
  try {
    return parseArgs(process.argv.slice(2), spec, program);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
})();

/** True when run with `--quick`: a small subset and one epoch, so CI can run every example. */
export const quick = args.flags.has("quick");

/** Value of a `--name value` command-line option, if given (only names this example accepts). */
export function option(name: string): string | undefined {
  if (!Object.hasOwn(spec.options, name)) throw new Error(`${program}: option("${name}") is not among its options (${Object.keys(spec.options).join(", ")}); add it to EXTRA_OPTIONS`);
  return args.options.get(name);
}

/** Folder for the SVG plots: `--out DIR`, else `examples/output`. */
export const outDir = option("out") ?? "examples/output";

/** Writes `text` to `outDir/name` atomically (a temporary file renamed over the old one). */
export function writeOutput(name: string, text: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, name);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return path;
}
