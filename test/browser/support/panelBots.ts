import { Client, type Room } from "@colyseus/sdk";
import type { PlayerInput } from "../../../rooms/schema/ArenaState.ts";
import { reserveSeat } from "../../support/cluster.ts";
import type { RunningServer } from "../../support/serverProcess.ts";

/** A bot: a real SDK client in an arena room; `closeCode` is set once the server closes it. */
export interface PanelBot {
  room: Room;
  roomId: string;
  sessionId: string;
  closeCode: number | undefined;
  /** Texts of the `announcement` messages received. */
  announcements: string[];
}

/**
 * Joins `count` bots in `mode`, matchmaking through the servers in turn (so
 * both processes answer matchmaking). Bots stay out once dropped: an SDK
 * reconnection would hide a dispose or a kick from the test. They outlive the
 * test that joins them (the panel's tests watch the same bots one after
 * another): unlike joinThrough's rooms, they leave only through `leaveBots`.
 */
export async function joinBots(servers: readonly RunningServer[], count: number, mode: string, namePrefix = "bot"): Promise<PanelBot[]> {
  const bots: PanelBot[] = [];
  for (let i = 0; i < count; i++) {
    const through = servers[i % servers.length]!;
    const { status, body: reservation } = await reserveSeat(through, "joinOrCreate", { mode, name: `${namePrefix}-${i}` });
    if (status !== 200) throw new Error(`matchmaking answered ${status}: ${JSON.stringify(reservation)}`);
    const room: Room = await new Client(through.wsUrl).consumeSeatReservation(reservation as never);
    room.reconnection.enabled = false;
    const bot: PanelBot = { room, roomId: reservation.roomId, sessionId: room.sessionId, closeCode: undefined, announcements: [] };
    room.onMessage("*", () => undefined);
    room.onMessage("announcement", (message: { text: string }) => bot.announcements.push(message.text));
    room.onLeave((code) => {
      bot.closeCode = code;
    });
    bots.push(bot);
  }
  return bots;
}

/**
 * Makes the bots wander and fire (a new random intent every second, one input
 * per tick) so rooms tick and send real patches. Returns a stop function.
 */
export function keepMoving(bots: readonly PanelBot[], tickHz = 30): () => void {
  const inputs = bots.map((bot) => bot.room.input<PlayerInput>());
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    bots.forEach((bot, i) => {
      if (bot.closeCode !== undefined) return;
      const input = inputs[i]!;
      if (tick % tickHz === i % tickHz || tick === 1) {
        input.data.moveX = Math.round(Math.random() * 2 - 1);
        input.data.moveY = Math.round(Math.random() * 2 - 1);
        input.data.aim = Math.random() * Math.PI * 2;
      }
      input.data.seq = tick;
      input.data.fire = tick % 10 === i % 10;
      input.send();
    });
  }, 1000 / tickHz);
  return () => clearInterval(timer);
}

export async function leaveBots(bots: readonly PanelBot[]): Promise<void> {
  await Promise.all(bots.map((b) => (b.room.connection.isOpen ? b.room.leave().catch(() => undefined) : undefined)));
}
