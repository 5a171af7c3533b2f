// `npm run bench` flags: a misspelt flag must stop the run with its name, not run the full
// six-minute benchmark as if it had not been given.
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/harness.js";

describe("parseBenchArgs", () => {
  it("reads --quick, --json, --runs=N and --only=cnn|mlp", () => {
    expect(parseBenchArgs([])).toEqual({ json: false, quick: false, runs: 1, only: undefined });
    expect(parseBenchArgs(["--quick", "--json", "--runs=3"])).toEqual({ json: true, quick: true, runs: 3, only: undefined });
    expect(parseBenchArgs(["--only=cnn"]).only).toBe("cnn");
    expect(parseBenchArgs(["--only=mlp"]).only).toBe("mlp");
  });

  it.each(["--runs=0", "--runs=-1", "--runs=two", "--run=3", "--only=W1", "--only", "--runs", "--quik", "quick"])("rejects %s, naming it", (flag) => {
    expect(() => parseBenchArgs([flag])).toThrow(`bench: unknown argument ${JSON.stringify(flag)}; expected --quick, --json, --runs=N (N a positive integer) or --only=cnn|mlp`);
  });
});
