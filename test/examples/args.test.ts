// The examples' command line: a misspelt flag or an option without its value must stop the run
// with its name, not run the full example as if it had not been given.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../examples/args.js";

const spec = { flags: ["quick"], options: { out: "DIR" } };
const root = fileURLToPath(new URL("../..", import.meta.url));

describe("parseArgs", () => {
  it("reads flags and options, with the value after a space or =", () => {
    expect(parseArgs([], spec, "ex")).toEqual({ flags: new Set(), options: new Map() });
    const a = parseArgs(["--quick", "--out", "plots"], spec, "ex");
    expect([...a.flags]).toEqual(["quick"]);
    expect(a.options.get("out")).toBe("plots");
    expect(parseArgs(["--out=a b"], spec, "ex").options.get("out")).toBe("a b");
  });

  it.each([
    [["--quik"], 'ex: unknown option "--quik" (did you mean --quick?); it accepts --quick, --out DIR'],
    [["--verbose"], 'ex: unknown option "--verbose"; it accepts --quick, --out DIR'],
    [["--out"], "ex: --out needs a value (--out DIR); it accepts --quick, --out DIR"],
    [["--out", "--quick"], "ex: --out needs a value (--out DIR); it accepts --quick, --out DIR"],
    [["--out="], "ex: --out needs a value (--out DIR); it accepts --quick, --out DIR"],
    [["--quick=yes"], 'ex: --quick takes no value, got "--quick=yes"; it accepts --quick, --out DIR'],
    [["--out", "a", "--out", "b"], "ex: --out is given twice; it accepts --quick, --out DIR"],
    [["quick"], 'ex: unexpected argument "quick"; it accepts --quick, --out DIR'],
  ])("rejects %j, naming it", (argv, message) => {
    expect(() => parseArgs(argv, spec, "ex")).toThrow(message);
  });

  it("stops a compiled example before it trains, on stderr with exit code 2", () => {
    const script = join(root, "build/examples/mnist-fit.js");
    expect(existsSync(script), "run `npm run build && npm run build:scripts` first").toBe(true);
    for (const [argv, message] of [
      [["--quik"], 'mnist-fit: unknown option "--quik" (did you mean --quick?)'],
      [["--quick", "--out"], "mnist-fit: --out needs a value"],
      [["--dir", "data"], 'mnist-fit: unknown option "--dir"'],
    ] as const) {
      const r = spawnSync(process.execPath, [script, ...argv], { cwd: root, encoding: "utf8", timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(message);
    }
  });
});
