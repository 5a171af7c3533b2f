import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Hooks compile (the guides test runs tsc once in beforeAll): on a loaded 2-core machine that takes longer than vitest's 10 s default.
    hookTimeout: 120_000,
    pool: "forks",
  },
});
