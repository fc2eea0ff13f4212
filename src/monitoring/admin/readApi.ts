import express, { type Router } from "express";
import { percentile } from "../../percentile.ts";
import type { ClusterView } from "../clusterView.ts";
import { errorMessage, operatorViewOf, roomIdOf, type RoomOperatorView } from "./roomRequests.ts";

const STREAM_INTERVAL_MS = 1_000;
const STREAM_HEARTBEAT_MS = 15_000;

/**
 * The reads behind the admin guard: the cluster snapshot, its history, the
 * same snapshot as an event stream, and one room in detail (asked of the room
 * on whichever process holds it).
 */
export function readApi(view: ClusterView): Router {
  const api = express.Router();
  api.get("/cluster", (_req, res) => {
    res.json(view.toJSON(Date.now()));
  });
  api.get("/history", (_req, res) => {
    res.json({ points: view.history() });
  });
  api.get("/stream", (req, res) => {
    // X-Accel-Buffering: a buffering proxy (nginx) would otherwise hold events back.
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write("retry: 2000\n\n");
    const send = () => res.write(`event: cluster\ndata: ${JSON.stringify(view.toJSON(Date.now()))}\n\n`);
    send();
    const updates = setInterval(send, STREAM_INTERVAL_MS);
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), STREAM_HEARTBEAT_MS);
    req.on("close", () => {
      clearInterval(updates);
      clearInterval(heartbeat);
    });
  });
  api.get("/rooms/:roomId", async (req, res) => {
    const roomId = roomIdOf(req.params.roomId, res);
    if (roomId === undefined) return;
    const room = view.toJSON(Date.now()).rooms.find((r) => r.roomId === roomId);
    if (room === undefined) {
      res.status(404).json({ error: `no room ${roomId}` });
      return;
    }
    try {
      const detail = await operatorViewOf(roomId);
      res.json({ ...detail, processId: room.processId, tick: withP99(detail.tick) });
    } catch (error) {
      res.status(502).json({ error: `room ${roomId} did not answer: ${errorMessage(error)}` });
    }
  });
  return api;
}

/**
 * The room's recent durations with their p99, computed here with the server's
 * one percentile so the panel shows the figure the metrics and the cluster view
 * use (null, as JSON has no NaN, while there are no samples).
 */
function withP99(tick: RoomOperatorView["tick"]) {
  return { ...tick, simP99Micros: percentile(tick.simMicros, 99), patchP99Micros: percentile(tick.patchMicros, 99) };
}
