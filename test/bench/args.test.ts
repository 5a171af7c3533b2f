// `npm run bench` flags: a misspelt flag must stop the run with its name, not run the full
// six-minute benchmark as if it had not been given.
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/harness.js";

describe("parseBenchArgs", () => {
  it("reads --quick, --json, --runs=N, --only=cnn|mlp, --profile and --help", () => {
    expect(parseBenchArgs([])).toEqual({ json: false, quick: false, runs: 1, only: undefined, profile: false, help: false });
    expect(parseBenchArgs(["--quick", "--json", "--runs=3"])).toEqual({ json: true, quick: true, runs: 3, only: undefined, profile: false, help: false });
    expect(parseBenchArgs(["--profile", "--quick"])).toMatchObject({ profile: true, quick: true });
    expect(parseBenchArgs(["--help"]).help).toBe(true);
    expect(parseBenchArgs(["-h"]).help).toBe(true);
    expect(parseBenchArgs(["--only=cnn"]).only).toBe("cnn");
    expect(parseBenchArgs(["--only=mlp"]).only).toBe("mlp");
  });

  it.each(["--runs=0", "--runs=-1", "--runs=two", "--run=3", "--only=W1", "--only", "--runs", "--quik", "quick", "--profile=W1"])("rejects %s, naming it", (flag) => {
    expect(() => parseBenchArgs([flag])).toThrow(`bench: unknown argument ${JSON.stringify(flag)}; expected --quick, --json, --runs=N (N a positive integer), --only=cnn|mlp, --profile or --help`);
  });
});
