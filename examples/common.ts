/**
 * What the examples share: the `--quick` flag that CI uses, and where plots are written.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** True when run with `--quick`: a small subset and one epoch, so CI can run every example. */
export const quick = process.argv.includes("--quick");

/** Value of a `--name value` command-line option, if given. */
export function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
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
