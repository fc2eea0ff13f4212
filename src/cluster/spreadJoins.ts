/**
 * Spreads concurrent joins over the rooms that have seats. Colyseus'
 * `joinOrCreate` takes the first open room of the listing, and RedisDriver
 * hands one shared read of the listings to every matchmaking call in flight,
 * so a burst of joins through several processes all asks the same room for a
 * seat. One gets it; the others fail with "already full", and core retries
 * each with a growing random delay (up to 5 times, 12.8 s for the last), so
 * under load joins took seconds and failed (523 "already full", or 503 once
 * matchmaking's deadline passed) while other rooms had seats (npm run soak, a
 * busy machine: in each second, half of all seat reservations went to one
 * room). Choosing among the open rooms at random, weighted by their free
 * seats, keeps simultaneous joins apart; a room's free seats also bias the
 * choice toward rooms that can take them.
 */
import type { IRoomCache, MatchMakerDriver } from "@colyseus/core";

type Random = () => number;

/** One of `rooms`, at random, weighted by free seats (at least one each: the listing may lag a leave); undefined when there are none. */
export function pickRoomWithSeats<R extends Pick<IRoomCache, "clients" | "maxClients">>(rooms: readonly R[], random: Random): R | undefined {
  if (rooms.length <= 1) return rooms[0];
  const weights = rooms.map((room) => Math.max(1, (Number.isFinite(room.maxClients) ? room.maxClients : room.clients + 1) - room.clients));
  let ticket = random() * weights.reduce((sum, w) => sum + w, 0);
  for (let i = 0; i < rooms.length; i++) {
    ticket -= weights[i]!;
    if (ticket < 0) return rooms[i];
  }
  return rooms.at(-1);
}

/**
 * The driver, its `findOne` for a room to join (conditions without a room id,
 * no sort order: core's joinOrCreate and join) choosing at random among every
 * match instead of taking the first. Look-ups by room id and sorted queries
 * are left as they are.
 */
export function spreadJoins<D extends MatchMakerDriver>(driver: D, random: Random = Math.random): D {
  const findOne = driver.findOne.bind(driver);
  const query = driver.query.bind(driver);
  driver.findOne = (async (conditions, sortOptions) => {
    const isSorted = sortOptions !== undefined && Object.keys(sortOptions).length > 0;
    if (conditions.roomId !== undefined || isSorted) return findOne(conditions, sortOptions);
    return pickRoomWithSeats(await query(conditions), random);
  }) as D["findOne"];
  return driver;
}
