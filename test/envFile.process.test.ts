import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import { tempDir } from "./support/tempDir.ts";
import { stopWhenDone } from "./support/teardown.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENV_FLAG = "--env-file-if-exists=.env";
const START_DEADLINE_MS = 15_000;

/**
 * The node arguments of an npm script, with its `.env` pointed at `envFile`: the script itself
 * reads `.env` from the working directory, and tests must not write one into the repository.
 */
async function scriptArgs(script: string, envFile: string): Promise<string[]> {
  const scripts = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const words = scripts[script]!.split(" ");
  expect(words[0]).toBe("node");
  expect(words).toContain(ENV_FLAG);
  return words.slice(1).map((w) => (w === ENV_FLAG ? `--env-file-if-exists=${envFile}` : w.endsWith(".ts") ? join(ROOT, w) : w));
}

/** Starts the command with exactly `env` and resolves with its "listening" log line; it is killed when the test ends. */
async function listeningLine(args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const running = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  stopWhenDone(async () => {
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGKILL");
    await exited;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no listening line")), START_DEADLINE_MS);
    running.once("exit", (code) => reject(new Error(`exited with ${code}`)));
    createInterface({ input: running.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.event !== "listening") return;
      clearTimeout(timer);
      resolve(entry);
    });
  });
}

describe("npm start reads .env", () => {
  it("takes its settings from the file, and a variable set in the environment wins over the file", async () => {
    const dir = await tempDir("env-file-");
    const envFile = join(dir, ".env");
    const [port, adminPort] = [await freePort(), await freePort()];
    await writeFile(envFile, `# a comment\nPORT=${port}\nADMIN_PORT=${adminPort}\nHOST=127.0.0.1\nTICK_HZ=20\nPATCH_HZ=10\n`);
    // TICK_HZ is in both: the environment's 25 wins. The rest comes from the file alone.
    const env = serverEnv({ TICK_HZ: "25" }, ["PORT", "ADMIN_PORT", "HOST", "PATCH_HZ"]);
    const listening = await listeningLine(await scriptArgs("start", envFile), env);
    expect(listening).toMatchObject({ url: `http://127.0.0.1:${port}`, tickHz: 25, patchHz: 10 });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);
  });

  it("starts without the file", async () => {
    const dir = await tempDir("env-file-");
    const port = await freePort();
    const args = await scriptArgs("start", join(dir, "missing.env"));
    const listening = await listeningLine(args, serverEnv({ PORT: String(port), ADMIN_PORT: "0", HOST: "127.0.0.1" }, []));
    expect(listening).toMatchObject({ url: `http://127.0.0.1:${port}` });
  });

  it.each(["dev", "cluster", "token"])("npm run %s reads it too", async (script) => {
    const scripts = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts[script]).toContain(ENV_FLAG);
  });
});

/** A server's environment: this process's without `unset`, one embedded process logging "info", then `env`. */
function serverEnv(env: Record<string, string>, unset: string[]): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !unset.includes(key)) inherited[key] = value;
  return { ...inherited, LOG_LEVEL: "info", REDIS_URL: "", JOIN_SECRET: "", ...env };
}
