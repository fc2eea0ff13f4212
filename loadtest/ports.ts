import { once } from "node:events";
import { createServer } from "node:net";

/** A loopback port nobody listens on right now, picked by the OS. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

/** `count` consecutive free loopback ports (for `npm run cluster`, which takes PORT, PORT+1, ...). */
export async function consecutiveFreePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(base + i, "127.0.0.1", () => probe.close(() => resolve(true)));
    })));
    if (free.every(Boolean)) return base;
  }
  throw new Error("no consecutive free ports");
}
