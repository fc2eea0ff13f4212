import type { Server as HttpServer } from "node:http";

/**
 * Runs `listen` (Colyseus' `Server.listen` on `httpServer`) and settles on the
 * bind's outcome. Colyseus 0.18 never settles when the bind fails (EADDRINUSE,
 * a HOST that does not resolve): it attaches its `reject` inside the
 * 'listening' callback, which then never runs, and the transport's own 'error'
 * listener only logs. Here the first 'error' rejects instead, and the
 * transport's listeners are held back until the bind is done, so the caller
 * reports a failure once.
 */
export async function listenOrThrow(httpServer: HttpServer, listen: () => Promise<unknown>): Promise<void> {
  const heldBack = httpServer.listeners("error") as ((error: Error) => void)[];
  httpServer.removeAllListeners("error");
  let onError: ((error: Error) => void) | undefined;
  try {
    await Promise.race([listen(), new Promise<never>((_, reject) => httpServer.once("error", (onError = reject)))]);
  } finally {
    if (onError !== undefined) httpServer.off("error", onError);
    for (const listener of heldBack) httpServer.on("error", listener);
  }
}
