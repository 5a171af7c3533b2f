// The guides' checking conventions (described at the top of test/docs/guides.test.ts) catch what
// they are meant to catch: each case below is a tiny guide, assembled and run exactly as
// guides.test.ts runs the real ones, except that it is transpiled without typechecking.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { assemble, extractBlocks, parseStated, rewriteLine } from "./snippets.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const sh = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "gt-snippets-"));
const transpile = (code: string): string =>
  ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
writeFileSync(join(dir, "claims.js"), transpile(ts.sys.readFile(join(here, "claims.ts"))!));
writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
let count = 0;

/** Runs a guide's markdown; resolves to the error output, or "" if it ran to the end. */
async function runGuide(markdown: string): Promise<string> {
  const name = `guide${count++}`;
  const { text } = assemble(extractBlocks(markdown, `docs/${name}.md`), `docs/${name}.md`);
  writeFileSync(join(dir, `${name}.js`), transpile(text));
  try {
    await sh(process.execPath, [join(dir, `${name}.js`)], { encoding: "utf8", timeout: 20_000 });
    return "";
  } catch (e) {
    return (e as { stderr?: string }).stderr ?? String(e);
  }
}

const guide = (...code: string[]): string => ["# A guide", "", "Some prose.", "", "```ts", ...code, "```", ""].join("\n");

describe("guide checks", () => {
  it("a stated value that holds passes; a wrong one fails, naming the guide's line", async () => {
    const ok = guide("const third = 1 / 3;", "console.log(third);              // → 0.333", "console.log([third, 2 * third]); // → [0.33, 0.67]");
    expect(await runGuide(ok)).toBe("");
    const wrong = guide("const third = 1 / 3;", "console.log(third); // → 0.334");
    const err = await runGuide(wrong);
    expect(err).toMatch(/guide\d+\.md:7: the guide says `\/\/ → 0\.334`, but the line gives 0\.333\d*/);
    // Line 7: the fence opens at line 5, the statement is the block's second line.
  });

  it("exact integers, strings, arrays with …, bounds and prose after the value", async () => {
    expect(await runGuide(guide("console.log(2 + 2); // → 4 (exactly)", "console.log(\"a\" + \"b\"); // → \"ab\"", "console.log([1, 2, 3]); // → [1, 2, …]", "console.log(0.93); // → above 0.8"))).toBe("");
    expect(await runGuide(guide("console.log(4.2); // → 4"))).toMatch(/4\.2, not exactly 4/);
    expect(await runGuide(guide("console.log([1, 2]); // → [1, 2, 3]"))).toMatch(/2 items where 3 were stated/);
    expect(await runGuide(guide("console.log(0.5); // → above 0.8"))).toMatch(/0\.5, not above 0\.8/);
    expect(await runGuide(guide("console.log(new Float32Array([0.1, 0.2])); // → [0.1, 0.3]"))).toMatch(/at \[1\], which does not round to 0\.3/);
    expect(await runGuide(guide("console.log(\"float64\"); // → \"float32\""))).toMatch(/"float64"/);
  });

  it("// throws checks that the line throws, with that message", async () => {
    const thrower = "const f = (n: number) => { if (n < 0) throw new RangeError(`f: n must be ≥ 0, got ${n}`); return n; };";
    expect(await runGuide(guide(thrower, "f(-1); // throws RangeError: n must be ≥ 0"))).toBe("");
    expect(await runGuide(guide(thrower, "f(1); // throws: n must be ≥ 0"))).toMatch(/nothing was thrown/);
    expect(await runGuide(guide(thrower, "f(-1); // throws: n must be positive"))).toMatch(/but it threw RangeError: f: n must be ≥ 0, got -1/);
    expect(await runGuide(guide(thrower, "f(-1); // throws TypeError: n must be ≥ 0"))).toMatch(/but it threw RangeError/);
  });

  it("a hidden check runs where it stands, with assert in scope, and fails the guide when it fails", async () => {
    const md = (claim: string) => [guide("const xs = [1, 2, 3];"), "<!-- check", claim, "-->", "", "More prose.", ""].join("\n");
    expect(await runGuide(md("assert.ok(xs.every((x) => x > 0));"))).toBe("");
    expect(await runGuide(md("assert.ok(xs.every((x) => x > 1), `smallest ${Math.min(...xs)}`);"))).toMatch(/smallest 1/);
    // The reader's view has no check in it.
    expect(extractBlocks(md("assert.ok(true);"), "g.md").filter((b) => !b.hidden).map((b) => b.code)).toEqual(["const xs = [1, 2, 3];"]);
  });

  it("a ```ts no-run block is not run, so its stated values are not checked at run time", async () => {
    expect(await runGuide("```ts no-run\nconsole.log(1); // → 2\n```\n")).toBe("");
  });
});

describe("reading stated values", () => {
  it("numbers carry the precision they are written with", () => {
    expect(parseStated("0.729", "w")).toEqual({ kind: "number", text: "0.729", tol: 0.0005 });
    expect(parseStated("24", "w")).toEqual({ kind: "number", text: "24", tol: 0 });
    const e = parseStated("2.50e-3", "w");
    expect(e.kind === "number" && e.tol).toBeCloseTo(5e-6, 18);
    expect(parseStated("-Infinity", "w")).toEqual({ kind: "number", text: "-Infinity", tol: 0 });
    expect(parseStated("[[1, 2], { a: 'x', b: null }, …]", "w")).toEqual({
      kind: "array",
      rest: true,
      items: [
        { kind: "array", rest: false, items: [{ kind: "number", text: "1", tol: 0 }, { kind: "number", text: "2", tol: 0 }] },
        { kind: "object", entries: [["a", { kind: "string", value: "x" }], ["b", { kind: "literal", value: "null" }]] },
      ],
    });
    expect(parseStated("below 1e-8 — machine precision", "w")).toEqual({ kind: "below", text: "1e-8" });
  });

  it("rejects what it cannot read, naming the guide's line", () => {
    expect(() => parseStated("about 3", "docs/x.md:4")).toThrow(/docs\/x\.md:4: cannot read the value after \/\/ →: unexpected "about 3"/);
    expect(() => parseStated("3 or so", "w")).toThrow(/unexpected text after the value/);
    expect(() => parseStated("[1, …, 3]", "w")).toThrow(/… must be the last item/);
    expect(() => rewriteLine("const x = 3; // → 3", "docs/x.md:9")).toThrow(/docs\/x\.md:9: a \/\/ → or \/\/ throws comment must end a one-line expression statement/);
  });

  it("leaves ordinary lines and comments alone", () => {
    expect(rewriteLine("const y = x * 2; // doubled", "w")).toBe("const y = x * 2; // doubled");
    expect(rewriteLine("  x.shape; // → [2, 2]", "w")).toMatch(/^  __claim\(\(x\.shape\), /);
  });
});
