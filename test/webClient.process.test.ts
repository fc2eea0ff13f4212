import { describe, expect, it } from "vitest";
import { startServer } from "./support/serverProcess.ts";

describe("the web client's source map", () => {
  it("is not served by default: no .map route, no sourceMappingURL in app.js", async () => {
    const server = await startServer({ ADMIN_PORT: "0" });
    const script = await fetch(`${server.httpUrl}/client/app.js`);
    expect(script.status).toBe(200);
    const body = await script.text();
    expect(body.length).toBeGreaterThan(10_000);
    expect(body).not.toContain("sourceMappingURL");
    expect((await fetch(`${server.httpUrl}/client/app.js.map`)).status).toBe(404);
  });

  it("is served with CLIENT_SOURCE_MAPS=on", async () => {
    const server = await startServer({ ADMIN_PORT: "0", CLIENT_SOURCE_MAPS: "on" });
    expect(await (await fetch(`${server.httpUrl}/client/app.js`)).text()).toContain("//# sourceMappingURL=app.js.map");
    const map = await fetch(`${server.httpUrl}/client/app.js.map`);
    expect(map.status).toBe(200);
    expect(((await map.json()) as { sources: string[] }).sources.length).toBeGreaterThan(0);
  });
});
