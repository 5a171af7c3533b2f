// loadMnist on float-typed IDX files: refused with a message, instead of truncating the labels
// and dividing already-scaled pixels by 255 again.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "gt-mnist-float-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("refuses float-typed IDX files, naming the file and what MNIST's hold", () => {
  const n = 3;
  for (const kind of ["train", "t10k"]) {
    writeFileSync(join(dir, `${kind}-images-idx3-ubyte`), gt.data.encodeIdx(Array.from({ length: n * 784 }, (_, i) => (i % 256) / 255), [n, 28, 28], "float32"));
    writeFileSync(join(dir, `${kind}-labels-idx1-ubyte`), gt.data.encodeIdx([1.5, 2, 3], [n], "float32"));
  }
  expect(() => gt.data.loadMnist({ dir })).toThrow(
    `loadMnist: the train images file in ${dir} holds float32 values; MNIST's IDX files hold unsigned bytes (pixels 0-255, labels 0-9); read other files with data.readIdx and scale them yourself`,
  );
});
