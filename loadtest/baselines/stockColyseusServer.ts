/**
 * Starts baseline 4 (stock Colyseus, room type `stock_arena`) on PORT with the
 * default WebSocket transport. Started by the bench harness.
 */
import { Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { exitWithParent, readSettings } from "./lifecycle.ts";
import { StockArenaRoom, type StockArenaOptions } from "./stockColyseus/StockArenaRoom.ts";

/** Enough seats for any bench run to share one room. */
const MAX_CLIENTS = 4_096;

const settings = readSettings(process.env);
exitWithParent();

const roomOptions: StockArenaOptions = { tickHz: settings.tickHz, patchHz: settings.patchHz, maxClients: MAX_CLIENTS };
const server = new Server({ transport: new WebSocketTransport(), greet: false });
server.define("stock_arena", StockArenaRoom, roomOptions);
await server.listen(settings.port, "127.0.0.1");
