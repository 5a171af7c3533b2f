import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests import examples/ modules (which import "gradtape") beside src/: one gradtape, src/,
    // so that a Model built by an example is the Model src/ knows. tsconfig.json's paths say the
    // same to the typechecker. Compiled examples and the guides still run against dist/.
    alias: { gradtape: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Hooks compile (the guides test runs tsc once in beforeAll): on a loaded 2-core machine that takes longer than vitest's 10 s default.
    hookTimeout: 120_000,
    pool: "forks",
  },
});
