// Every example in its quick mode (a small subset, one epoch), run as a user would: compiled,
// with plain node, importing the built package. `npm test` builds dist/ and build/ first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function run(example: string) {
  const out = mkdtempSync(join(tmpdir(), "gt-example-"));
  const script = join(root, "build/examples", `${example}.js`);
  expect(existsSync(script), "run `npm run build && npm run build:scripts` first").toBe(true);
  const r = spawnSync(process.execPath, [script, "--quick", "--out", out], { cwd: root, encoding: "utf8", timeout: 120_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { stdout: r.stdout, out };
}

describe("examples in quick mode", () => {
  it("mnist-fit trains, validates, and writes its curves", () => {
    const { stdout, out } = run("mnist-fit");
    expect(stdout).toMatch(/Total params: 101770/);
    const acc = Number(/test accuracy ([\d.]+)%/.exec(stdout)?.[1]);
    expect(acc).toBeGreaterThan(80);
    expect(readFileSync(join(out, "mnist-fit.svg"), "utf8")).toMatch(/^<\?xml[\s\S]*<\/svg>\s*$/);
  });
  it("mnist-custom-loop runs the article's loop and learns", () => {
    const { stdout } = run("mnist-custom-loop");
    const acc = Number(/test accuracy ([\d.]+)%/.exec(stdout)?.[1]);
    // 16 steps on 1,000 digits: far above the 10% of guessing, far below a full run.
    expect(acc).toBeGreaterThan(60);
  });
  it("mnist-cnn trains a CNN with batch normalization and draws its curves and feature maps", () => {
    const { stdout, out } = run("mnist-cnn");
    expect(stdout).toMatch(/Total params: 225418/);
    expect(stdout).toMatch(/Non-trainable params: 192\b/); // the two batch normalizations' moving statistics
    const acc = Number(/test accuracy ([\d.]+)% on 500 held-out digits \([\d.]+ s\)/.exec(stdout)?.[1]);
    // 16 steps on 1,000 digits: well above the 10% of guessing.
    expect(acc).toBeGreaterThan(30);
    for (const f of ["mnist-cnn-loss.svg", "mnist-cnn-accuracy.svg"]) expect(readFileSync(join(out, f), "utf8")).toMatch(/^<\?xml[\s\S]*<\/svg>\s*$/);
    const maps = readFileSync(join(out, "mnist-cnn-feature-maps.svg"), "utf8");
    expect(maps.match(/<image /g)?.length).toBe(33); // the digit and 32 maps
  });
  it("momentum-vs-sgd shows momentum beating SGD and Nesterov diverging at lr 0.035", () => {
    const { stdout, out } = run("momentum-vs-sgd");
    const steps = (name: string) => Number(new RegExp(`${name}\\s+reaches it in (\\d+) steps`).exec(stdout)?.[1]);
    expect(steps("momentum 0.9, lr 0.035")).toBe(93);
    expect(steps("SGD lr 0.035")).toBe(152);
    expect(stdout).toMatch(/Nesterov 0\.9, lr 0\.035\s+diverges/);
    expect(steps("Nesterov 0.9, lr 0.02")).toBe(61);
    expect(steps("momentum 0.9, lr 1e-3")).toBe(934);
    for (const f of ["rosenbrock.svg", "quadratic.svg", "mnist-optimizers.svg"]) expect(readFileSync(join(out, f), "utf8")).not.toMatch(/NaN|Infinity/);
  });
});
