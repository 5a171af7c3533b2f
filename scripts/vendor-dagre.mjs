#!/usr/bin/env node
// Part of `npm run build`, after tsc: copies dagre's self-contained ES module (49 KB, graphlib
// included) into dist/vendor/ and points dist's imports of "@dagrejs/dagre" at it. Installed as a
// dependency, dagre and graphlib would add 2.4 MB of node_modules (source maps, CJS and UMD
// copies) and break the 5 MB install budget; vendored, gradtape ships only the module it runs,
// with dagre's MIT licence beside it. In the repository (tests, the lab's bundles) src/ imports
// the devDependency directly.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dagreDir = join(root, "node_modules/@dagrejs/dagre");
const dist = join(root, "dist");
const vendor = join(dist, "vendor");
mkdirSync(vendor, { recursive: true });

const { version } = JSON.parse(readFileSync(join(dagreDir, "package.json"), "utf8"));
const code = readFileSync(join(dagreDir, "dist/dagre.esm.js"), "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
writeFileSync(join(vendor, "dagre.js"), `/* @dagrejs/dagre ${version}, MIT licence: see dagre.LICENSE.txt */\n${code}`);
writeFileSync(join(vendor, "dagre.LICENSE.txt"), readFileSync(join(dagreDir, "LICENSE"), "utf8"));

const specifier = /(from\s*|import\(\s*)(["'])@dagrejs\/dagre\2/g;
let rewritten = 0;
for (const file of walk(dist)) {
  if (!file.endsWith(".js") && !file.endsWith(".d.ts")) continue;
  if (file.startsWith(vendor + sep)) continue;
  const text = readFileSync(file, "utf8");
  if (!specifier.test(text)) continue;
  let target = relative(dirname(file), join(vendor, "dagre.js")).split(sep).join("/");
  if (!target.startsWith(".")) target = `./${target}`;
  // Declarations keep the package's types where they are needed only for type checking in the repo.
  if (file.endsWith(".d.ts")) throw new Error(`vendor-dagre: ${relative(root, file)} exposes dagre's types; keep them out of the public declarations`);
  writeFileSync(file, text.replace(specifier, (_m, head, q) => `${head}${q}${target}${q}`));
  rewritten += 1;
}
if (rewritten === 0) console.warn("vendor-dagre: no file in dist imports @dagrejs/dagre");

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
