import { Client } from "@colyseus/sdk";
import { describe, expect, it, vi } from "vitest";
import { startServer } from "./support/serverProcess.ts";
import { shared } from "./support/teardown.ts";

const server = shared(() => startServer({ LOG_LEVEL: "info" }));

describe("the server process", () => {
  it("logs where it listens as a structured line", () => {
    const listening = server().logs.find((l) => l.event === "listening");
    expect(listening).toMatchObject({ url: `http://127.0.0.1:${server().port}`, tickHz: 30, patchHz: 20 });
  });

  it("answers /healthz with its process, rooms, clients and uptime", async () => {
    const client = new Client(server().wsUrl);
    const room = await client.joinOrCreate("arena", { name: "probe" });
    try {
      await vi.waitFor(async () => {
        const response = await fetch(`${server().httpUrl}/healthz`);
        expect(response.status).toBe(200);
        const body = await response.json();
        expect(body).toMatchObject({ status: "ok", rooms: 1, clients: 1 });
        expect(typeof body.processId).toBe("string");
        expect(body.uptimeS).toBeGreaterThanOrEqual(0);
      }, { timeout: 5_000, interval: 100 });
    } finally {
      await room.leave();
    }
  });

  it("a real SDK client over a real socket receives its player and state patches", async () => {
    const client = new Client(server().wsUrl);
    const room = await client.joinOrCreate("arena", { name: "real" });
    try {
      await vi.waitFor(() => expect((room.state as any).players?.get(room.sessionId)?.name).toBe("real"), { timeout: 5_000 });
      const firstTick = (room.state as any).tick as number;
      await vi.waitFor(() => expect((room.state as any).tick).toBeGreaterThan(firstTick + 10), { timeout: 5_000 });
      expect(server().logs.some((l) => l.event === "player_joined" && l.roomId === room.roomId)).toBe(true);
    } finally {
      await room.leave();
    }
  });

  it("exits 0 on SIGTERM", async () => {
    const result = await server().stop();
    expect(result).toEqual({ code: 0, signal: null });
  });
});
