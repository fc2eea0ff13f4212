import { once } from "node:events";
import { createServer } from "node:net";

/**
 * Every port this process has handed out. The OS may offer a port it just gave for a probe
 * again, so two calls could otherwise agree; a port handed out once is never handed out again,
 * and callers need no "distinct" variant.
 */
const handedOut = new Set<number>();

/** A loopback port nobody listens on right now, picked by the OS, and never handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const { port } = probe.address() as { port: number };
    probe.close();
    await once(probe, "close");
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no free port that was not handed out already");
}

/**
 * The first of `count` consecutive free loopback ports, none handed out before by this process
 * (for `npm run cluster` and PM2, whose instance i takes PORT + i).
 */
export async function consecutiveFreePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    const run = Array.from({ length: count }, (_, i) => base + i);
    if (run.some((port) => handedOut.has(port))) continue;
    const free = await Promise.all(run.map((port) => new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    })));
    if (free.every(Boolean)) {
      for (const port of run) handedOut.add(port);
      return base;
    }
  }
  throw new Error(`no ${count} consecutive free ports`);
}
