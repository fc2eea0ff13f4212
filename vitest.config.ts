import { defineConfig } from "vitest/config";

// Threads, not forks: with forks, core's PM2 integration calls process.send on
// vitest's IPC channel and the run breaks (see PLATFORM-NOTES).
export default defineConfig({
  test: {
    pool: "threads",
    // Two at a time: many test files start real server processes and Redis, and this machine
    // has two cores; more files at once only turns timeouts into flakes.
    maxWorkers: 2,
    include: ["src/**/*.test.ts", "rooms/**/*.test.ts", "loadtest/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
