import { defineConfig } from "vitest/config";

// Heavy tests (containers, network namespaces, PM2) build images or whole fleets: each one alone
// would take both cores, so they run in their own project, one file at a time, after the rest.
const HEAVY_TESTS = "test/**/*.heavy.test.ts";
// Pure and in-process tests: no external program, no child process. `npm run test:unit` runs these alone.
const UNIT_TESTS = ["src/**/*.test.ts", "rooms/**/*.test.ts", "loadtest/**/*.test.ts"];

// Threads, not forks: Colyseus core attaches its stats to PM2 through @pm2/io, which writes to
// process.send whenever an IPC channel exists; in a fork that is vitest's channel, and the run breaks.
export default defineConfig({
  test: {
    pool: "threads",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: UNIT_TESTS,
          exclude: ["**/node_modules/**"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // First, on their own: their failures show within seconds, and they never share the two
          // cores with the process tests' servers.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "main",
          include: ["test/**/*.test.ts"],
          exclude: [HEAVY_TESTS, "**/node_modules/**"],
          // Two at a time: many test files start real server processes and Redis; more files at
          // once than a small CI machine's cores only turns timeouts into flakes.
          maxWorkers: 2,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "heavy",
          include: [HEAVY_TESTS],
          maxWorkers: 1,
          fileParallelism: false,
          // Each heavy test sets its own, tighter, timeouts; these only bound a hung one.
          testTimeout: 600_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
