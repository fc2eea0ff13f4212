import type { Application } from "express";

/** Serves the browser game client at `/` (built out in the browser-client issue). */
export function mountWebClient(app: Application): void {
  app.get("/", (_req, res) => {
    res.type("text/plain").send("arena game server: the browser client is not built yet\n");
  });
}
