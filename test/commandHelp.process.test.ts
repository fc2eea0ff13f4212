import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SERVER_USAGE } from "../src/serverUsage.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Every npm script that takes arguments (`npm run cluster` has its own test), and how its usage line starts. */
const COMMANDS: [script: string, usageStart: string][] = [
  ["start", "usage: npm start"],
  ["token", "usage: npm run token"],
  ["loadtest", "usage: npm run loadtest"],
  ["soak", "usage: npm run soak"],
  ["heap-check", "usage: npm run heap-check"],
  ["bench", "usage: npm run bench"],
  ["bench:tick", "usage: npm run bench:tick"],
  ["bench:matchmaking", "usage: npm run bench:matchmaking"],
  ["bench:profile", "usage: npm run bench:profile"],
  ["schemas", "usage: npm run schemas"],
  ["vectors", "usage: npm run vectors"],
];
/** Each run only parses its arguments and exits; this bounds one that would start working instead. */
const RUN_DEADLINE_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run --silent SCRIPT -- ARGS` as a user types it (so the script's own node flags are used too). */
function npmRun(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, timeout: RUN_DEADLINE_MS, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("every command answers --help and refuses an unknown option", () => {
  it.concurrent.each(COMMANDS)("npm run %s -- --help: the usage on stdout, exit 0", async (script, usageStart) => {
    const run = await npmRun(script, ["--help"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(new RegExp(`^${usageStart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`));
    // More than the usage line: what it does and its options.
    expect(run.stdout.trim().split("\n").length).toBeGreaterThan(3);
  }, 30_000);

  it.concurrent.each(COMMANDS)("npm run %s -- --no-such-option: the error and the usage line on stderr, exit 2", async (script, usageStart) => {
    const run = await npmRun(script, ["--no-such-option"]);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain("Unknown option '--no-such-option'");
    expect(run.stderr.split("\n").some((line) => line.startsWith(usageStart))).toBe(true);
  }, 30_000);
});

describe("npm start -- --help", () => {
  it("names every environment variable the server reads (src/config.ts)", async () => {
    const source = await readFile(new URL("../src/config.ts", import.meta.url), "utf8");
    const read = new Set([...source.matchAll(/\(env, "([A-Z][A-Z0-9_]+)"/g), ...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(20);
    const missing = [...read].filter((name) => !new RegExp(`\\b${name}\\b`).test(SERVER_USAGE));
    expect(missing).toEqual([]);
  });
});
