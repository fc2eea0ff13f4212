import { ServerError } from "@colyseus/core";
import { ERROR_CODES } from "../closeCodes.ts";
import { Placer, type ProcessRecord } from "./placement.ts";
import { PLACED_ROOMS_KEY, PROCESSES_KEY, type ClusterAccess } from "./processKeys.ts";

export interface ProcessSelectorOptions extends Pick<ClusterAccess, "presence" | "processId"> {
  /** Room types counted for placement (game rooms; a lobby costs nothing). */
  gameRoomTypes: ReadonlySet<string>;
  /** This process's own state, for the moment before any record is published. */
  isDraining: () => boolean;
  isFull: () => boolean;
}

/**
 * Colyseus' `selectProcessIdToCreateRoom`: the least loaded process that is
 * neither draining nor full, among every published record (a process is
 * dropped only once a sweep found it dead, never for a late heartbeat).
 * Game-room counts live in one presence hash that the placing process
 * increments at once, so a burst of creates from any number of processes sees
 * every earlier placement (placement.ts's Placer settles placements made at
 * the same moment).
 */
export function processSelector(options: ProcessSelectorOptions): (roomName: string) => Promise<string> {
  const placer = new Placer({
    read: async () => {
      const presence = options.presence();
      const [all, counts] = await Promise.all([presence.hgetall(PROCESSES_KEY), presence.hgetall(PLACED_ROOMS_KEY)]);
      return {
        records: Object.values(all ?? {}).map((json) => JSON.parse(json) as ProcessRecord),
        placedRooms: new Map(Object.entries(counts ?? {}).map(([id, n]) => [id, Number(n)])),
      };
    },
    add: async (processId, delta) => Number(await options.presence().hincrby(PLACED_ROOMS_KEY, processId, delta)),
  });
  return async (roomName) => {
    const { chosen, records } = await placer.place(options.gameRoomTypes.has(roomName));
    if (chosen !== undefined) return chosen.processId;
    if (records.length === 0 && !options.isDraining() && !options.isFull()) return options.processId(); // before the first records land
    throw new ServerError(ERROR_CODES.SERVER_FULL, "server full: every game server process is at its room or client limit, or draining");
  };
}
