// Every user mistake in mistakes.ts must end in an Error with a clear message (not a TypeError
// from deep inside, not silence), and docs/reference/errors.md must list exactly the messages the code
// gives. To regenerate the table after changing a message: UPDATE_ERRORS_DOC=1 npx vitest run test/robustness/errors.test.ts
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { MISTAKES } from "./mistakes.js";

const DOC = fileURLToPath(new URL("../../docs/reference/errors.md", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "gradtape-mistakes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What the mistakes' code finds in `f`. */
function fixtures() {
  let dirs = 0;
  const fresh = () => gt.sequential([gt.layers.dense({ units: 3, activation: "softmax", inputShape: [4], seed: 1, name: "hidden" })], { name: "model" });
  const model = fresh();
  model.compile({ optimizer: new gt.optim.SGD({ learningRate: 0.1 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return {
    x: gt.randomNormal([8, 4], { seed: 1 }),
    y: gt.tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], "int32"),
    w: gt.variable(gt.zeros([2]), { name: "w" }),
    model,
    fresh,
    dir: () => join(work, `d${dirs++}`),
  };
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;
/** Messages of errors that escaped from inside instead of being raised on purpose. */
const ACCIDENTAL = /is not a function|Cannot read properties|is not iterable|is not defined|Maximum call stack|Invalid array length|undefined is not|cannot be converted/;

async function attempt(code: string, f: ReturnType<typeof fixtures>): Promise<Error | undefined> {
  try {
    await new AsyncFunction("gt", "f", code)(gt, f);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const codeCell = (s: string) => (s.includes("`") ? cell(s) : `\`${cell(s)}\``);

function table(rows: { area: string; mistake: string; code: string; message: string }[]): string {
  const lines = [
    "---",
    "title: Error messages",
    "---",
    "",
    "# What gradtape says when it is used wrongly",
    "",
    `Every public function and constructor checks its arguments. This table lists the ${rows.length} mistakes`,
    "tried by `test/robustness/errors.test.ts` (the code is `test/robustness/mistakes.ts`) and the exact",
    "message each gives; the test fails when the code and this table disagree. In the code, `f` holds",
    "fixtures: `f.x` (float32 `[8, 4]`), `f.y` (int32 labels `[8]`), `f.w` (a variable of shape `[2]`),",
    "`f.model` (a compiled one-layer model, 4 inputs, 3 softmax outputs), `f.fresh()` (the same, uncompiled) and",
    "`f.dir()` (a new temporary folder, shown as `<tmp>`).",
    "",
    "Regenerate after changing a message: `UPDATE_ERRORS_DOC=1 npx vitest run test/robustness/errors.test.ts`.",
  ];
  let area = "";
  for (const r of rows) {
    if (r.area !== area) {
      area = r.area;
      lines.push("", `## ${area}`, "", "| Mistake | Code | Message |", "| --- | --- | --- |");
    }
    lines.push(`| ${cell(r.mistake)} | ${codeCell(r.code)} | ${codeCell(r.message)} |`);
  }
  return `${lines.join("\n")}\n`;
}

describe("every user mistake ends in a clear Error", () => {
  it(`${Object.values(MISTAKES).flat().length} mistakes, each with the message docs/reference/errors.md lists`, async () => {
    const f = fixtures();
    const rows: { area: string; mistake: string; code: string; message: string }[] = [];
    const problems: string[] = [];
    for (const [area, list] of Object.entries(MISTAKES)) {
      for (const { mistake, code } of list) {
        const e = await attempt(code, f);
        if (e === undefined) {
          problems.push(`${area} / ${mistake}: no error from ${code}`);
          continue;
        }
        if (!(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError || ACCIDENTAL.test(e.message)) {
          problems.push(`${area} / ${mistake}: an accidental ${e?.constructor?.name}: ${e?.message}`);
          continue;
        }
        rows.push({ area, mistake, code, message: e.message.split(work).join("<tmp>") });
      }
    }
    expect(problems).toEqual([]);
    const expected = table(rows);
    if (process.env.UPDATE_ERRORS_DOC === "1") writeFileSync(DOC, expected);
    expect(existsSync(DOC), "docs/reference/errors.md is missing; run with UPDATE_ERRORS_DOC=1").toBe(true);
    expect(readFileSync(DOC, "utf8")).toBe(expected);
  });
});
