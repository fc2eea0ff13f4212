/**
 * Baseline 3, Socket.IO as its tutorials write a game: the same simulation,
 * `socket.on("input")` keeps each player's latest input, and every update
 * `io.emit("state", state)` broadcasts the whole world (Socket.IO serializes
 * it to JSON once per broadcast). No input ack.
 * Started by the bench harness: PORT, TICK_HZ, PATCH_HZ from the environment.
 */
import { Server } from "socket.io";
import { createJsonArena, joinArena, leaveArena, setInput, snapshot, tickArena } from "./jsonArena.ts";
import { createReadyHttpServer, exitWithParent, readSettings } from "./lifecycle.ts";

const settings = readSettings(process.env);
exitWithParent();

const arena = createJsonArena(settings.tickHz);
const http = createReadyHttpServer();
const io = new Server(http, { serveClient: false });

io.on("connection", (socket) => {
  joinArena(arena, socket.id);
  socket.on("input", (input: unknown) => setInput(arena, socket.id, input));
  socket.on("disconnect", () => leaveArena(arena, socket.id));
});

setInterval(() => tickArena(arena), 1000 / settings.tickHz);
setInterval(() => io.emit("state", snapshot(arena)), 1000 / settings.patchHz);

http.listen(settings.port, "127.0.0.1");
