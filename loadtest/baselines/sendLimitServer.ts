/**
 * Baseline 5, the send limit: no simulation and no encoding. Every update it
 * sends each client the same pre-built binary buffer of SEND_BYTES bytes (the
 * harness passes the size of this server's average patch), and reads and
 * drops the clients' inputs: what the sockets alone cost at this rate.
 * Started by the bench harness: PORT, PATCH_HZ, SEND_BYTES from the environment.
 */
import { WebSocket, WebSocketServer } from "ws";
import { createReadyHttpServer, exitWithParent, readSettings } from "./lifecycle.ts";

const settings = readSettings(process.env);
exitWithParent();

const sendBytes = Math.max(1, Number(process.env.SEND_BYTES ?? 64) | 0);
// Arbitrary non-zero content: nothing on the path compresses or special-cases it.
const payload = Buffer.alloc(sendBytes);
for (let i = 0; i < sendBytes; i++) payload[i] = (i * 131 + 7) & 0xff;

const http = createReadyHttpServer();
const wss = new WebSocketServer({ server: http });
// Inputs are read (ws parses every frame) and dropped.
wss.on("connection", (socket) => {
  socket.on("message", () => undefined);
});

setInterval(() => {
  for (const client of wss.clients) {
    if (client.readyState === WebSocket.OPEN) client.send(payload, { binary: true });
  }
}, 1000 / settings.patchHz);

http.listen(settings.port, "127.0.0.1");
