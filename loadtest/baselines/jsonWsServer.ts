/**
 * Baseline 2, naive JSON over `ws`: the same simulation, and every update the
 * whole world as a JSON string to every client. The string is sent as is, as
 * first versions do (`ws` turns it into bytes once per client). No input ack.
 * Started by the bench harness: PORT, TICK_HZ, PATCH_HZ from the environment.
 */
import { WebSocket, WebSocketServer } from "ws";
import { createJsonArena, joinArena, leaveArena, setInput, snapshot, tickArena } from "./jsonArena.ts";
import { createReadyHttpServer, exitWithParent, readSettings } from "./lifecycle.ts";

const settings = readSettings(process.env);
exitWithParent();

const arena = createJsonArena(settings.tickHz);
const http = createReadyHttpServer();
const wss = new WebSocketServer({ server: http });
let nextId = 1;

wss.on("connection", (socket) => {
  const id = String(nextId++);
  joinArena(arena, id);
  socket.on("message", (data) => {
    try {
      setInput(arena, id, JSON.parse(String(data)));
    } catch {
      // not JSON: ignored, like any other bad input
    }
  });
  socket.on("close", () => leaveArena(arena, id));
});

setInterval(() => tickArena(arena), 1000 / settings.tickHz);
setInterval(() => {
  const json = JSON.stringify(snapshot(arena));
  for (const client of wss.clients) {
    if (client.readyState === WebSocket.OPEN) client.send(json);
  }
}, 1000 / settings.patchHz);

http.listen(settings.port, "127.0.0.1");
