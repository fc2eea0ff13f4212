import { defineConfig } from "vitest/config";

// Threads, not forks: with forks, core's PM2 integration calls process.send on
// vitest's IPC channel and the run breaks (see PLATFORM-NOTES).
export default defineConfig({
  test: {
    pool: "threads",
    include: ["src/**/*.test.ts", "rooms/**/*.test.ts", "loadtest/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
