import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { LiveRooms } from "../../rooms/liveRooms.ts";
import { ClientCap } from "./ClientCap.ts";
import { ProcessLoad } from "./ProcessLoad.ts";

function cap(isDraining = false) {
  let ccu = 0;
  const locks: boolean[] = [];
  const load = new ProcessLoad({ liveRooms: new LiveRooms(["arena"]), gameRoomTypes: new Set(["arena"]), ccu: () => ccu, maxRoomsPerProcess: 5, maxClientsPerProcess: 3 });
  const clientCap = new ClientCap({ load, setGameRoomsLocked: async (isLocked) => void locks.push(isLocked), isDraining: () => isDraining, logger: pino({ level: "silent" }) });
  return { clientCap, locks, setCcu: (n: number) => (ccu = n) };
}

describe("ClientCap", () => {
  it("locks the rooms once at the cap and reopens them below it", async () => {
    const { clientCap, locks, setCcu } = cap();
    await clientCap.enforce();
    setCcu(3);
    await clientCap.enforce();
    await clientCap.enforce();
    expect(locks).toEqual([true]);
    setCcu(2);
    await clientCap.enforce();
    expect(locks).toEqual([true, false]);
  });

  it("leaves a draining process's rooms as the drain locked them", async () => {
    const { clientCap, locks, setCcu } = cap(true);
    setCcu(3);
    await clientCap.enforce();
    setCcu(0);
    await clientCap.enforce();
    expect(locks).toEqual([]);
  });
});
