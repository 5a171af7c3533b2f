// The guides in docs/ cannot rot: every ```ts block is typechecked against the built package and
// run with plain node, as a reader would run it, and every value a guide states is checked.
//
// Writing a guide (docs/*.md; list it in typedoc.json's projectDocuments):
//
// - A ```ts block is run. Blocks of one guide form one ES module, in order, so a block may use what
//   an earlier block declared. `import` lines are hoisted and deduplicated: every block can show
//   its own imports. ```ts no-run blocks are typechecked only (for code that needs files the tests
//   do not have, such as the full MNIST): they see earlier declarations but declare nothing.
//
// - State a value with a `// →` comment at the end of a one-line expression statement:
//
//       console.log(y.toArray());        // → [[3, 5], [7, 9]]
//       console.log(x.dtype);            // → "float32"
//       console.log(sgdPath);            // → [0.9, 0.81, 0.729, …]
//       console.log(accuracy);           // → above 0.8
//
//   The test replaces the line with a check that the expression (inside `console.log(…)`, or the
//   whole statement) has that value. A number is compared to the digits shown: `0.729` holds for
//   anything that rounds to it, `2.0` for [1.95, 2.05]; a number written without a decimal point
//   must be exact. Arrays (also typed arrays) match item by item; a last item `…` allows more
//   items. Also: strings, true / false / null / undefined, objects `{ loss: 0.53 }` (same keys),
//   `above N` and `below N`. Prose may follow the value after `(`, `,`, `;` or `—`:
//   `// → 27 (3t² at t = 3)`.
//
// - State an error with `// throws: text` (the message contains text) or `// throws Name: text`:
//
//       v.assign(gt.tensor([1, 2, 3]));  // throws: shape mismatch
//
// - Checks that are not a value on one line (a property of a whole array, a comparison of two
//   results) go into a hidden block, which GitHub, npm and the docs site do not show:
//
//       <!-- check
//       assert.ok(kerasPath.every((w, i) => Math.abs(w - byHand[i]) < 1e-12));
//       -->
//
//   It runs where it stands, with `assert` (node:assert/strict) in scope. Say in the prose what it
//   checks, so the reader is told what the test makes sure of.
//
// Readers see examples, not tests: `assert` calls in visible code fail the test below. The
// conventions are implemented in test/docs/snippets.ts and test/docs/claims.ts, and
// test/docs/snippets.test.ts proves that a wrong value, a wrong error or a failing hidden check
// makes a guide fail.
//
// README.md's ```ts blocks are typechecked the same way (one module, in order) but not run: they
// stand for a reader's program, with data (`dataset`) the README leaves to the reader, declared in
// README_PRELUDE below.
//
// Each guide becomes test/docs/.generated/<guide>.ts (git-ignored); errors point at the guide's
// lines. `import * as gt from "gradtape"` resolves to dist/ through the package's self-reference:
// `npm test` builds dist/ before vitest runs.
import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { assemble, extractBlocks } from "./snippets.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = join(root, "docs");
const out = join(root, "test/docs/.generated");

const guides = readdirSync(docs).filter((f) => f.endsWith(".md")).sort();
const origins = new Map<string, number[]>();
const sh = promisify(execFile);
let typecheck: { status: number | null; output: string } | undefined;
/** What README.md's code uses and leaves to the reader: batches of digits and labels. */
const README_PRELUDE = `declare const dataset: Iterable<[import("gradtape").Tensor, import("gradtape").Tensor]>;`;
/** The markdown file a generated module came from: a guide in docs/, or README.md. */
const source = (generated: string): string => (generated === "README.ts" ? "README.md" : `docs/${generated.replace(/\.ts$/, ".md")}`);

describe("the guides' code", () => {
  beforeAll(() => {
    expect(existsSync(join(root, "dist/index.d.ts")), "run `npm run build` first: the guides import the built package").toBe(true);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    copyFileSync(join(root, "test/docs/claims.ts"), join(out, "claims.ts"));
    for (const guide of guides) {
      const file = `docs/${guide}`;
      const { text, origin } = assemble(extractBlocks(readFileSync(join(docs, guide), "utf8"), file), file);
      const name = guide.replace(/\.md$/, "");
      writeFileSync(join(out, `${name}.ts`), text);
      origins.set(`${name}.ts`, origin);
    }
    const readme = assemble(extractBlocks(readFileSync(join(root, "README.md"), "utf8"), "README.md"), "README.md");
    writeFileSync(join(out, "README.ts"), `${readme.text}${README_PRELUDE}\n`);
    origins.set("README.ts", readme.origin);
    writeFileSync(
      join(out, "tsconfig.json"),
      JSON.stringify({
        extends: "../../../tsconfig.json",
        // paths: {}: "gradtape" is the package (dist/), as for a reader, not the tests' src/.
        compilerOptions: { rootDir: ".", outDir: "out", declaration: false, sourceMap: false, noEmitOnError: true, paths: {} },
        include: ["*.ts"],
      }, null, 2),
    );
    // One compiler run for all guides: it typechecks them and emits the scripts the runs below use.
    const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(out, "tsconfig.json"), "--pretty", "false"], { cwd: root, encoding: "utf8" });
    typecheck = { status: r.status, output: `${r.stdout}${r.stderr}` };
  }, 180_000); // one tsc run over every guide: seconds alone, far more on a busy machine

  it("every guide has code, and its blocks are fenced as ts or ts no-run", () => {
    expect(guides.length).toBeGreaterThanOrEqual(5);
    for (const guide of guides) {
      const blocks = extractBlocks(readFileSync(join(docs, guide), "utf8"), guide);
      expect(blocks.filter((b) => b.run && !b.hidden).length, `${guide} has no runnable ts block`).toBeGreaterThan(0);
    }
  });

  it("readers see examples: no assert calls in the code the guides show", () => {
    const found: string[] = [];
    for (const guide of guides) {
      for (const b of extractBlocks(readFileSync(join(docs, guide), "utf8"), guide)) {
        if (b.hidden) continue;
        b.code.split("\n").forEach((l, j) => {
          if (/\bassert\b|\bclose\(/.test(l)) found.push(`docs/${guide}:${b.line + 1 + j}: ${l.trim()}`);
        });
      }
    }
    // State values with `// → value`, errors with `// throws: text`, anything else in a hidden
    // <!-- check --> block: see the top of this file.
    expect(found).toEqual([]);
  });

  it("README.md has ts blocks, typechecked with the guides", () => {
    expect(extractBlocks(readFileSync(join(root, "README.md"), "utf8"), "README.md").filter((b) => !b.hidden).length).toBeGreaterThanOrEqual(3);
  });

  it("typechecks, with README.md's code (strict, NodeNext, against dist/'s declarations)", () => {
    const r = typecheck as { status: number | null; output: string };
    // Point each error at the guide's line: ".generated/x.ts(12,5): error …" → "docs/x.md:40:5 …".
    const errors = r.output.split("\n").filter(Boolean).map((line) => {
      const m = /([\w.-]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
      const n = m && origins.get(m[1])?.[Number(m[2]) - 1];
      return m && n ? `${source(m[1])}:${n}:${m[3]} ${m[4]}` : line;
    });
    expect(errors).toEqual([]);
    expect(r.status).toBe(0);
  });

  // The guides run in parallel: the slowest one sets the time.
  for (const guide of guides) {
    const name = guide.replace(/\.md$/, "");
    it.concurrent(`docs/${guide} runs to the end under plain node`, async () => {
      const script = join(out, "out", `${name}.js`);
      expect(existsSync(script), "the typecheck step emits the scripts; see its errors").toBe(true);
      try {
        await sh(process.execPath, [script], { cwd: root, encoding: "utf8", timeout: 60_000, maxBuffer: 16 << 20 });
      } catch (e) {
        const err = e as { code?: number; stderr?: string; stdout?: string };
        throw new Error(`docs/${guide} failed (exit ${err.code}); see test/docs/.generated/${name}.ts\n${err.stderr ?? ""}\n${(err.stdout ?? "").slice(-2000)}`);
      }
    });
  }
});
