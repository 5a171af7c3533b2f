// What a guide's `// →` and `// throws` comments turn into when test/docs/guides.test.ts runs the
// guide (see the top of that file for the conventions). This file is copied next to the generated
// guide modules, so it imports nothing but Node's own modules.

/** A stated value, parsed from the text after `// →` by test/docs/snippets.ts. */
export type Pattern =
  | { kind: "number"; text: string; tol: number }
  | { kind: "string"; value: string }
  | { kind: "literal"; value: "true" | "false" | "null" | "undefined" }
  | { kind: "array"; items: Pattern[]; rest: boolean }
  | { kind: "object"; entries: Array<[string, Pattern]> }
  | { kind: "above" | "below"; text: string };

const LITERALS = { true: true, false: false, null: null, undefined: undefined } as const;

/** A value for a message: arrays and typed arrays as lists, long ones cut. */
function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const items = Array.from(v as ArrayLike<unknown>);
    const head = items.slice(0, 12).map(show).join(", ");
    return `[${head}${items.length > 12 ? `, … (${items.length} items)` : ""}]`;
  }
  if (v !== null && typeof v === "object") {
    return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(", ")} }`;
  }
  return String(v);
}

/** Why `actual` does not match `p`, or null if it does; `at` locates nested items ("[2]", ".loss"). */
function mismatch(actual: unknown, p: Pattern, at: string): string | null {
  const here = at ? ` at ${at}` : "";
  switch (p.kind) {
    case "number": {
      const want = Number(p.text);
      if (typeof actual !== "number") return `a ${typeof actual}${here}, not a number`;
      if (Number.isNaN(want)) return Number.isNaN(actual) ? null : `${actual}${here}, not NaN`;
      if (p.tol === 0) return actual === want ? null : `${actual}${here}, not exactly ${p.text}`;
      // The digits shown: 0.729 stands for anything that rounds to it.
      const ok = Math.abs(actual - want) <= p.tol * (1 + 1e-9) + 1e-15 * Math.abs(want);
      return ok ? null : `${actual}${here}, which does not round to ${p.text}`;
    }
    case "above":
    case "below": {
      const bound = Number(p.text);
      if (typeof actual !== "number") return `a ${typeof actual}${here}, not a number`;
      const ok = p.kind === "above" ? actual > bound : actual < bound;
      return ok ? null : `${actual}${here}, not ${p.kind} ${p.text}`;
    }
    case "string":
      return actual === p.value ? null : `${show(actual)}${here}`;
    case "literal":
      return actual === LITERALS[p.value] ? null : `${show(actual)}${here}`;
    case "array": {
      if (!Array.isArray(actual) && !(ArrayBuffer.isView(actual) && !(actual instanceof DataView))) {
        return `${show(actual)}${here}, not an array`;
      }
      const items = Array.from(actual as ArrayLike<unknown>);
      if (p.rest ? items.length < p.items.length : items.length !== p.items.length) {
        return `${items.length} items${here} where ${p.rest ? "at least " : ""}${p.items.length} were stated`;
      }
      for (let i = 0; i < p.items.length; i++) {
        const m = mismatch(items[i], p.items[i]!, `${at}[${i}]`);
        if (m) return m;
      }
      return null;
    }
    case "object": {
      if (actual === null || typeof actual !== "object") return `${show(actual)}${here}, not an object`;
      const keys = Object.keys(actual).sort();
      const stated = p.entries.map(([k]) => k).sort();
      if (keys.join() !== stated.join()) return `keys ${keys.join(", ")}${here} where ${stated.join(", ")} were stated`;
      for (const [k, q] of p.entries) {
        const m = mismatch((actual as Record<string, unknown>)[k], q, `${at}.${k}`);
        if (m) return m;
      }
      return null;
    }
  }
}

/**
 * Checks one `// → value` comment: `actual` is what the line prints.
 *
 * @throws Error naming the guide's line, the stated value and what was printed instead.
 */
export function __claim(actual: unknown, pattern: Pattern, where: string, stated: string): void {
  const m = mismatch(actual, pattern, "");
  if (m) throw new Error(`${where}: the guide says \`// → ${stated}\`, but the line gives ${show(actual)}: ${m}`);
}

/**
 * Checks one `// throws Name: text` comment: `run` must throw an Error whose message contains
 * `text` (and whose name is `name`, if given).
 */
export function __throws(run: () => unknown, name: string | undefined, text: string, where: string): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  const stated = `// throws${name ? ` ${name}` : ""}: ${text}`;
  if (error === undefined) throw new Error(`${where}: the guide says \`${stated}\`, but nothing was thrown`);
  const e = error as { name?: unknown; message?: unknown };
  if (typeof e.message !== "string" || !e.message.includes(text) || (name !== undefined && e.name !== name)) {
    throw new Error(`${where}: the guide says \`${stated}\`, but it threw ${String(e.name)}: ${String(e.message)}`);
  }
}
