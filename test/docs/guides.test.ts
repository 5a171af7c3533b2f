// The guides in docs/ cannot rot: every ```ts block is typechecked against the built package and
// run with plain node, as a reader would run it.
//
// Each guide's blocks become one ES module, test/docs/.generated/<guide>.ts (git-ignored), in the
// order they appear, so a block may use what an earlier block of the same guide declared.
// `import` lines are hoisted and deduplicated, so every block can show its own imports.
// A block opened with ```ts no-run is typechecked but not run (for code that needs files the
// tests do not have, such as the full MNIST): it is wrapped in a function that is never called,
// so it sees the guide's earlier declarations but declares nothing for later blocks.
// Guides check their own claims with `assert`, so a claim that stops being true fails here.
//
// `import * as gt from "gradtape"` resolves to dist/ through the package's self-reference:
// `npm test` builds dist/ before vitest runs.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = join(root, "docs");
const out = join(root, "test/docs/.generated");

interface Block {
  /** The code, without the fences. */
  code: string;
  /** The line of the opening fence in the guide (1-based). */
  line: number;
  /** False for ```ts no-run. */
  run: boolean;
}

/** The ```ts blocks of a markdown text; other languages (sh, text, …) are prose. */
function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (open === null) {
      // Skip other fenced blocks whole, so a ```ts inside them is not taken for code.
      const other = /^(`{3,})/.exec(lines[i]);
      if (other !== null) {
        const close = lines.findIndex((l, j) => j > i && l.startsWith(other[1]) && l.trim() === other[1]);
        if (close < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
        i = close;
      }
      continue;
    }
    const flags = open[3].trim().split(/\s+/).filter(Boolean);
    const unknown = flags.filter((f) => f !== "no-run");
    if (unknown.length > 0) throw new Error(`${file}:${i + 1}: unknown code-block flag ${unknown.join(" ")} (known: no-run)`);
    const close = lines.findIndex((l, j) => j > i && l.trim() === open[1]);
    if (close < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ code: lines.slice(i + 1, close).join("\n"), line: i + 1, run: !flags.includes("no-run") });
    i = close;
  }
  return blocks;
}

const IMPORT = /^import\s[^;]*\sfrom\s+["'][^"']+["'];?\s*$|^import\s+["'][^"']+["'];?\s*$/;

/** One guide as a module, and for each of its lines the guide's line it came from (0 if none). */
function assemble(blocks: Block[], file: string): { text: string; origin: number[] } {
  const imports: string[] = [];
  const body: string[] = [];
  const origin: number[] = [];
  blocks.forEach((b, k) => {
    const lines = b.code.split("\n");
    const kept: [string, number][] = [];
    lines.forEach((l, j) => {
      if (IMPORT.test(l)) {
        if (!imports.includes(l.trim())) imports.push(l.trim());
      } else {
        if (!b.run && /^import\s/.test(l)) throw new Error(`${file}:${b.line + 1 + j}: in a no-run block, imports must fit on one line`);
        kept.push([l, b.line + 1 + j]);
      }
    });
    body.push(`// ---- ${file}:${b.line}${b.run ? "" : " (no-run)"}`);
    origin.push(0);
    if (!b.run) {
      body.push(`export async function noRun${k}(): Promise<void> {`);
      origin.push(0);
    }
    for (const [l, n] of kept) {
      body.push(l);
      origin.push(n);
    }
    if (!b.run) {
      body.push("}");
      origin.push(0);
    }
  });
  const head = [`// Generated from ${file} by test/docs/guides.test.ts; edit the guide, not this file.`, ...imports, "export {};"];
  return { text: [...head, ...body].join("\n") + "\n", origin: [...head.map(() => 0), ...origin] };
}

const guides = readdirSync(docs).filter((f) => f.endsWith(".md")).sort();
const origins = new Map<string, number[]>();
const sh = promisify(execFile);
let typecheck: { status: number | null; output: string } | undefined;

describe("the guides' code", () => {
  beforeAll(() => {
    expect(existsSync(join(root, "dist/index.d.ts")), "run `npm run build` first: the guides import the built package").toBe(true);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    for (const guide of guides) {
      const file = `docs/${guide}`;
      const { text, origin } = assemble(extractBlocks(readFileSync(join(docs, guide), "utf8"), file), file);
      const name = guide.replace(/\.md$/, "");
      writeFileSync(join(out, `${name}.ts`), text);
      origins.set(`${name}.ts`, origin);
    }
    writeFileSync(
      join(out, "tsconfig.json"),
      JSON.stringify({
        extends: "../../../tsconfig.json",
        compilerOptions: { rootDir: ".", outDir: "out", declaration: false, sourceMap: false, noEmitOnError: true },
        include: ["*.ts"],
      }, null, 2),
    );
    // One compiler run for all guides: it typechecks them and emits the scripts the runs below use.
    const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(out, "tsconfig.json"), "--pretty", "false"], { cwd: root, encoding: "utf8" });
    typecheck = { status: r.status, output: `${r.stdout}${r.stderr}` };
  });

  it("every guide has code, and its blocks are fenced as ts or ts no-run", () => {
    expect(guides.length).toBeGreaterThanOrEqual(5);
    for (const guide of guides) {
      const blocks = extractBlocks(readFileSync(join(docs, guide), "utf8"), guide);
      expect(blocks.filter((b) => b.run).length, `${guide} has no runnable ts block`).toBeGreaterThan(0);
    }
  });

  it("typechecks (strict, NodeNext, against dist/'s declarations)", () => {
    const r = typecheck as { status: number | null; output: string };
    // Point each error at the guide's line: ".generated/x.ts(12,5): error …" → "docs/x.md:40:5 …".
    const errors = r.output.split("\n").filter(Boolean).map((line) => {
      const m = /([\w.-]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
      const n = m && origins.get(m[1])?.[Number(m[2]) - 1];
      return m && n ? `docs/${m[1].replace(/\.ts$/, ".md")}:${n}:${m[3]} ${m[4]}` : line;
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
