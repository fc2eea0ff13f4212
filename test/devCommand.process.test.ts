import { spawn } from "node:child_process";
import { once } from "node:events";
import { readlink, realpath, rm, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import { stopWhenDone } from "./support/teardown.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("npm run dev", () => {
  it("runs the server on the project's Node with readable logs, and restarts it when a file under rooms/ changes", async () => {
    const port = await freePort();
    // Removed after the watcher is gone (registered first, so it runs last): its removal would restart the server.
    const probeFile = `${ROOT}rooms/.dev-restart-probe-${randomUUID()}.ts`;
    stopWhenDone(() => rm(probeFile, { force: true }));
    const dev = spawn("npm", ["run", "--silent", "dev"], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), ADMIN_PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", REDIS_URL: "", JOIN_SECRET: "" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    stopWhenDone(async () => {
      if (dev.exitCode !== null || dev.signalCode !== null) return;
      const exited = once(dev, "exit");
      // npm, its shell, the watcher, the server and pino-pretty: the whole group the test started.
      process.kill(-dev.pid!, "SIGKILL");
      await exited;
    });
    let output = "";
    dev.stdout!.on("data", (d) => (output += d));
    dev.stderr!.on("data", (d) => (output += d));
    const listening = new RegExp(`INFO.*: listening on http://127\\.0\\.0\\.1:${port}`, "g");
    await vi.waitFor(() => expect(output.match(listening)).toHaveLength(1), { timeout: 20_000, interval: 100 });
    // pino-pretty's lines, not pino's JSON.
    expect(output).not.toMatch(/^\{"level"/m);

    const first = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pid: number };
    // The watcher starts the server with its own binary: the `node` package's Node 24, not the machine's.
    expect(await readlink(`/proc/${first.pid}/exe`)).toBe(await realpath(`${ROOT}node_modules/.bin/node`));

    await writeFile(probeFile, "// written by test/devCommand.process.test.ts; deleted when it ends\n");
    await vi.waitFor(() => expect(output.match(listening)).toHaveLength(2), { timeout: 20_000, interval: 100 });
    const second = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pid: number };
    expect(second.pid).not.toBe(first.pid);
  }, 60_000);
});
