// Turns a guide's markdown into one checkable TypeScript module: its ```ts blocks and hidden
// `<!-- check -->` blocks in order, with `// →` and `// throws` comments rewritten into checks.
// The conventions are described at the top of test/docs/guides.test.ts; the checks themselves are
// in test/docs/claims.ts.
import type { Pattern } from "./claims.js";

export interface Block {
  /** The code, without the fences. */
  code: string;
  /** The line of the opening fence (or of `<!-- check`) in the guide, 1-based. */
  line: number;
  /** False for ```ts no-run. */
  run: boolean;
  /** True for a `<!-- check … -->` block, which readers do not see. */
  hidden: boolean;
}

/** The ```ts blocks and `<!-- check` blocks of a markdown text; other fenced blocks are prose. */
export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^<!--\s*check\s*$/.test(lines[i]!.trim())) {
      const close = lines.findIndex((l, j) => j > i && l.trim() === "-->");
      if (close < 0) throw new Error(`${file}:${i + 1}: <!-- check is not closed by a line "-->"`);
      blocks.push({ code: lines.slice(i + 1, close).join("\n"), line: i + 1, run: true, hidden: true });
      i = close;
      continue;
    }
    const open = /^(`{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[i]!);
    if (open === null) {
      // Skip other fenced blocks whole, so a ```ts inside them is not taken for code.
      const other = /^(`{3,})/.exec(lines[i]!);
      if (other !== null) {
        const close = lines.findIndex((l, j) => j > i && l.startsWith(other[1]!) && l.trim() === other[1]);
        if (close < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
        i = close;
      }
      continue;
    }
    const flags = open[3]!.trim().split(/\s+/).filter(Boolean);
    const unknown = flags.filter((f) => f !== "no-run");
    if (unknown.length > 0) throw new Error(`${file}:${i + 1}: unknown code-block flag ${unknown.join(" ")} (known: no-run)`);
    const close = lines.findIndex((l, j) => j > i && l.trim() === open[1]);
    if (close < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ code: lines.slice(i + 1, close).join("\n"), line: i + 1, run: !flags.includes("no-run"), hidden: false });
    i = close;
  }
  return blocks;
}

/**
 * Parses the value stated after `// →`: a number (compared to the digits shown), a string, true /
 * false / null / undefined, an array (a last item `…` allows more items), an object, or
 * `above N` / `below N`. Prose may follow after `(`, `,`, `;` or `—`.
 */
export function parseStated(text: string, where: string): Pattern {
  let pos = 0;
  const src = text;
  const fail = (what: string): never => {
    throw new Error(`${where}: cannot read the value after // →: ${what} in "${src}"`);
  };
  const ws = (): void => {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  };
  const NUMBER = /-?(?:Infinity|NaN|(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)/iy;
  const number = (): { kind: "number"; text: string; tol: number } | null => {
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(src);
    if (!m) return null;
    pos = NUMBER.lastIndex;
    const t = m[0];
    const dec = /\.(\d*)(?:e([-+]?\d+))?$/i.exec(t);
    if (!dec) return { kind: "number", text: t, tol: 0 };
    // 0.729 stands for [0.7285, 0.7295]; 2.50e-3 for [2.495e-3, 2.505e-3].
    const exp = dec[2] ? Number(dec[2]) : 0;
    return { kind: "number", text: t, tol: 0.5 * 10 ** (exp - dec[1]!.length) };
  };
  const value = (): Pattern => {
    ws();
    const c = src[pos];
    if (c === "[") {
      pos++;
      const items: Pattern[] = [];
      let rest = false;
      ws();
      if (src[pos] === "]") {
        pos++;
        return { kind: "array", items, rest };
      }
      for (;;) {
        ws();
        if (src.startsWith("…", pos) || src.startsWith("...", pos)) {
          pos += src.startsWith("…", pos) ? 1 : 3;
          rest = true;
          ws();
          if (src[pos] !== "]") fail("… must be the last item");
          pos++;
          return { kind: "array", items, rest };
        }
        items.push(value());
        ws();
        if (src[pos] === ",") {
          pos++;
          continue;
        }
        if (src[pos] === "]") {
          pos++;
          return { kind: "array", items, rest };
        }
        fail(`expected , or ] at column ${pos + 1}`);
      }
    }
    if (c === "{") {
      pos++;
      const entries: Array<[string, Pattern]> = [];
      for (;;) {
        ws();
        if (src[pos] === "}") {
          pos++;
          return { kind: "object", entries };
        }
        const key = /[A-Za-z_$][\w$]*/y;
        key.lastIndex = pos;
        const k = key.exec(src);
        if (!k) fail(`expected a key at column ${pos + 1}`);
        pos = key.lastIndex;
        ws();
        if (src[pos] !== ":") fail(`expected : after ${k![0]}`);
        pos++;
        entries.push([k![0], value()]);
        ws();
        if (src[pos] === ",") pos++;
        else if (src[pos] !== "}") fail(`expected , or } at column ${pos + 1}`);
      }
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, pos + 1);
      if (end < 0) fail("unclosed string");
      const raw = src.slice(pos + 1, end);
      pos = end + 1;
      return { kind: "string", value: c === '"' ? (JSON.parse(`"${raw}"`) as string) : raw };
    }
    for (const word of ["true", "false", "null", "undefined"] as const) {
      if (src.startsWith(word, pos) && !/[\w$]/.test(src[pos + word.length] ?? "")) {
        pos += word.length;
        return { kind: "literal", value: word };
      }
    }
    for (const kind of ["above", "below"] as const) {
      if (src.startsWith(`${kind} `, pos)) {
        pos += kind.length;
        ws();
        const n = number();
        if (!n) fail(`expected a number after ${kind}`);
        return { kind, text: n!.text };
      }
    }
    const n = number();
    if (n) return n;
    return fail(`unexpected ${JSON.stringify(src.slice(pos, pos + 10))} at column ${pos + 1}`);
  };
  const p = value();
  ws();
  if (pos < src.length && !/^[(,;—]/.test(src.slice(pos))) fail(`unexpected text after the value at column ${pos + 1}`);
  return p;
}

/** A statement that is not an expression, so it has no value to state. */
const NOT_EXPRESSION = /^(const|let|var|return|if|for|while|function|class|import|export|throw|await\s+using)\b/;

/**
 * Rewrites one line: `EXPR; // → value` (or `console.log(EXPR); // → value`) into a check of
 * EXPR's value, `EXPR; // throws Name: text` into a check that it throws. Other lines are kept.
 */
export function rewriteLine(line: string, where: string): string {
  const arrow = line.indexOf("// →");
  const throws = /\/\/ throws(?: ([A-Za-z_$][\w$]*))?: (.+)$/.exec(line);
  if (arrow < 0 && !throws) return line;
  const cut = arrow >= 0 ? arrow : throws!.index;
  const indent = /^\s*/.exec(line)![0];
  let code = line.slice(0, cut).trim().replace(/;$/, "").trim();
  if (code === "" || NOT_EXPRESSION.test(code)) {
    throw new Error(`${where}: a // → or // throws comment must end a one-line expression statement, such as console.log(x); or x; (got "${code}")`);
  }
  const log = /^console\.log\(([\s\S]*)\)$/.exec(code);
  if (log) code = log[1]!;
  if (arrow >= 0) {
    const stated = line.slice(arrow + "// →".length).trim();
    const pattern = parseStated(stated, where);
    return `${indent}__claim((${code}), ${JSON.stringify(pattern)}, ${JSON.stringify(where)}, ${JSON.stringify(stated)});`;
  }
  const name = throws![1];
  return `${indent}__throws(() => (${code}), ${name === undefined ? "undefined" : JSON.stringify(name)}, ${JSON.stringify(throws![2]!.trim())}, ${JSON.stringify(where)});`;
}

const IMPORT = /^import\s[^;]*\sfrom\s+["'][^"']+["'];?\s*$|^import\s+["'][^"']+["'];?\s*$/;

/** One guide as a module, and for each of its lines the guide's line it came from (0 if none). */
export function assemble(blocks: Block[], file: string): { text: string; origin: number[] } {
  const imports: string[] = [];
  const body: string[] = [];
  const origin: number[] = [];
  blocks.forEach((b, k) => {
    const lines = b.code.split("\n");
    const kept: [string, number][] = [];
    lines.forEach((l, j) => {
      const n = b.line + 1 + j;
      if (IMPORT.test(l)) {
        if (!imports.includes(l.trim())) imports.push(l.trim());
      } else {
        if (!b.run && /^import\s/.test(l)) throw new Error(`${file}:${n}: in a no-run block, imports must fit on one line`);
        kept.push([rewriteLine(l, `${file}:${n}`), n]);
      }
    });
    body.push(`// ---- ${file}:${b.line}${b.run ? "" : " (no-run)"}${b.hidden ? " (hidden check)" : ""}`);
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
  // Hidden checks use `assert` without importing it, as a reader's code never needs it.
  if (!imports.some((l) => /^import\s+assert\b/.test(l))) imports.unshift(`import assert from "node:assert/strict";`);
  const head = [
    `// Generated from ${file} by test/docs/guides.test.ts; edit the guide, not this file.`,
    `import { __claim, __throws } from "./claims.js";`,
    ...imports,
    "export {};",
  ];
  return { text: [...head, ...body].join("\n") + "\n", origin: [...head.map(() => 0), ...origin] };
}
