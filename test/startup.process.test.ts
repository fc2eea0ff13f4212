import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import { runToExit } from "./support/serverProcess.ts";
import { stopWhenDone } from "./support/teardown.ts";

const ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Resolves "deadline" after `ms`, unless `settled` settles first. */
async function within<T>(settled: Promise<T>, ms: number): Promise<T | "deadline"> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => (timer = setTimeout(() => resolve("deadline"), ms)));
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a listen error exits 1 with one line naming the reason", () => {
  it("the port is already in use", async () => {
    const port = await freePort();
    const occupier = createServer();
    occupier.listen(port, "127.0.0.1");
    await once(occupier, "listening");
    stopWhenDone(() => occupier.close());

    const result = await runToExit({ HOST: "127.0.0.1", PORT: String(port), ADMIN_PORT: "0" }, 15_000);

    expect(result.code).toBe(1);
    const errors = jsonLines(result.stdout).filter((l) => (l.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ event: "listen_failed", port });
    expect(errors[0]!.msg).toMatch(/EADDRINUSE/);
  });

  // The config loader accepts it (it looks like a hostname); the bind's address lookup is what fails.
  it("HOST does not resolve (999.999.999.999)", async () => {
    const result = await runToExit({ HOST: "999.999.999.999", PORT: String(await freePort()), ADMIN_PORT: "0" }, 15_000);

    expect(result.code).toBe(1);
    const errors = jsonLines(result.stdout).filter((l) => (l.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ event: "listen_failed", host: "999.999.999.999" });
    expect(errors[0]!.msg).toMatch(/ENOTFOUND 999\.999\.999\.999/);
  });
});

describe("a closed stdout never blocks shutdown", () => {
  it("stdout's reader goes away (`npm start | head`): SIGTERM still drains and exits 0", async () => {
    const child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, HOST: "127.0.0.1", PORT: String(await freePort()), ADMIN_PORT: "0", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    try {
      const lines = createInterface({ input: child.stdout });
      const listening = new Promise<void>((resolve) => lines.on("line", (line) => {
        if ((JSON.parse(line) as { event?: string }).event === "listening") resolve();
      }));
      expect(await within(listening, 15_000)).toBeUndefined();
      lines.close();
      child.stdout.destroy();

      // The shutdown lines are the first writes to the broken pipe.
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect(await within(exited, 10_000), stderr).toEqual([0, null]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
