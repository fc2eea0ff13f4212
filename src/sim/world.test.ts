import { describe, expect, it } from "vitest";
import {
  FIRE_COOLDOWN_MS, PLAYER_MAX_HP, PROJECTILE_DAMAGE_HP, PROJECTILE_SPEED_UPS, RESPAWN_DELAY_MS, ticksFor,
} from "./constants.ts";
import { ARENA_LEVEL, type Level } from "./level.ts";
import { nextRandom } from "./rng.ts";
import {
  addPlayer, applyInput, createWorld, stepWorld, worldHash,
  type PlayerInput, type SimEvent, type TargetView, type World,
} from "./world.ts";

const TICK_HZ = 30;
const IDLE: PlayerInput = { moveX: 0, moveY: 0, aim: 0, fire: false };

/** An open level with no walls and explicit spawn points, for exact hit geometry. */
function openLevel(spawnPoints: { x: number; y: number }[]): Level {
  return { widthUnits: 200, heightUnits: 200, obstacles: [], spawnPoints };
}

function runScripted(seed: number, ticks: number): World {
  const world = createWorld(seed, TICK_HZ, ARENA_LEVEL);
  const ids = ["a", "b", "c", "d", "e", "f"];
  for (const id of ids) addPlayer(world, id, id);
  // The input script is itself seeded, independently of the world's RNG.
  const script = { rngState: 12345 };
  for (let t = 0; t < ticks; t++) {
    for (const [i, id] of ids.entries()) {
      // Aim roughly at the next player so the script produces hits and kills.
      const self = world.players.get(id)!;
      const prey = world.players.get(ids[(i + 1) % ids.length]!)!;
      const input: PlayerInput = {
        moveX: Math.sign(prey.x - self.x) * (nextRandom(script) < 0.7 ? 1 : -1),
        moveY: Math.round(nextRandom(script) * 2 - 1),
        aim: Math.atan2(prey.y - self.y, prey.x - self.x) + (nextRandom(script) - 0.5) * 0.2,
        fire: nextRandom(script) < 0.5,
      };
      applyInput(world, world.players.get(id)!, input);
    }
    stepWorld(world);
  }
  return world;
}

describe("determinism", () => {
  it("same seed and inputs give the identical world after 1,000 ticks", () => {
    const a = runScripted(42, 1_000);
    const b = runScripted(42, 1_000);
    expect(worldHash(a)).toBe(worldHash(b));
    expect(a.tick).toBe(1_000);
  });

  it("a different seed gives a different world (the hash can tell)", () => {
    expect(worldHash(runScripted(42, 1_000))).not.toBe(worldHash(runScripted(43, 1_000)));
  });

  it("the scripted game actually produces kills, so the hash covers combat", () => {
    const world = runScripted(42, 1_000);
    const totalScore = [...world.players.values()].reduce((s, p) => s + p.score, 0);
    expect(totalScore).toBeGreaterThan(0);
  });
});

describe("projectiles", () => {
  function duel(view?: TargetView) {
    const world = createWorld(1, TICK_HZ, openLevel([{ x: 50, y: 100 }, { x: 80, y: 100 }]));
    // Spawn points are picked at random among free ones: place players explicitly.
    const shooter = addPlayer(world, "shooter", "S");
    const target = addPlayer(world, "target", "T");
    Object.assign(shooter, { x: 50, y: 100 });
    Object.assign(target, { x: 80, y: 100 });
    const events: SimEvent[] = [];
    const step = (input: PlayerInput) => {
      applyInput(world, shooter, input);
      applyInput(world, target, IDLE);
      events.push(...stepWorld(world, view));
    };
    return { world, shooter, target, events, step };
  }

  it("a shot travels, hits, and takes the damage off", () => {
    const { world, target, events, step } = duel();
    step({ ...IDLE, fire: true, aim: 0 });
    // The shot leaves 1.25 u ahead of the shooter and touches the target 1.25 u
    // before its centre: 27.5 u to cover at 2 u/tick, so it lands on the 14th tick.
    for (let i = 0; i < 20 && !events.some((e) => e.type === "hit"); i++) step(IDLE);
    const hit = events.find((e) => e.type === "hit");
    expect(hit).toEqual({ type: "hit", shooterId: "shooter", targetId: "target", hp: PLAYER_MAX_HP - PROJECTILE_DAMAGE_HP });
    expect(target.hp).toBe(PLAYER_MAX_HP - PROJECTILE_DAMAGE_HP);
    const travelTicks = Math.ceil((30 - 1.25 - 1.25) / (PROJECTILE_SPEED_UPS / TICK_HZ));
    expect(world.tick).toBe(travelTicks);
    expect(world.projectiles.size).toBe(0);
  });

  it("the cooldown limits the fire rate", () => {
    const { world, events, step } = duel();
    const ticks = 30;
    for (let i = 0; i < ticks; i++) step({ ...IDLE, fire: true, aim: Math.PI / 2 });
    const fired = events.filter((e) => e.type === "fired").length;
    expect(fired).toBe(Math.ceil(ticks / ticksFor(FIRE_COOLDOWN_MS, world.tickHz)));
  });

  it("a kill scores a point and the victim respawns after the delay at full HP", () => {
    const { world, shooter, target, events, step } = duel();
    const shotsToKill = Math.ceil(PLAYER_MAX_HP / PROJECTILE_DAMAGE_HP);
    for (let i = 0; i < 200 && !events.some((e) => e.type === "killed"); i++) step({ ...IDLE, fire: true, aim: 0 });
    expect(events.filter((e) => e.type === "hit")).toHaveLength(shotsToKill);
    expect(events.find((e) => e.type === "killed")).toEqual({ type: "killed", killerId: "shooter", victimId: "target" });
    expect(shooter.score).toBe(1);
    expect(target.isAlive).toBe(false);
    const diedAt = world.tick - 1;

    // A dead player ignores input.
    const deadX = target.x;
    applyInput(world, target, { ...IDLE, moveX: 1 });
    expect(target.x).toBe(deadX);

    while (!events.some((e) => e.type === "respawned")) step(IDLE);
    expect(world.tick - 1 - diedAt).toBe(ticksFor(RESPAWN_DELAY_MS, TICK_HZ));
    expect(target.isAlive).toBe(true);
    expect(target.hp).toBe(PLAYER_MAX_HP);
  });

  it("a projectile stops at a wall", () => {
    const world = createWorld(1, TICK_HZ, { ...openLevel([{ x: 50, y: 100 }]), obstacles: [{ x: 60, y: 90, w: 2, h: 20 }] });
    const shooter = addPlayer(world, "s", "S");
    Object.assign(shooter, { x: 50, y: 100 });
    const target = addPlayer(world, "t", "T");
    Object.assign(target, { x: 70, y: 100 });
    const events: SimEvent[] = [];
    applyInput(world, shooter, { ...IDLE, fire: true, aim: 0 });
    for (let i = 0; i < 20; i++) events.push(...stepWorld(world));
    expect(events.some((e) => e.type === "hit")).toBe(false);
    expect(world.projectiles.size).toBe(0);
  });

  it("lag compensation tests the target where the shooter saw it", () => {
    // The target now stands at y=100; 150 ms ago, when the shooter saw it, it
    // was 1.5 u lower (within the 1.8 u a player can move in 150 ms).
    const seenLower: TargetView = {
      seenPosition: (t, rewindMs, out) => {
        out.x = t.x;
        out.y = rewindMs > 0 ? t.y + 1.5 : t.y;
        return out;
      },
    };
    const world = createWorld(1, TICK_HZ, openLevel([{ x: 50, y: 101.5 }]));
    const shooter = addPlayer(world, "s", "S");
    const target = addPlayer(world, "t", "T");
    Object.assign(shooter, { x: 50, y: 101.5 });
    Object.assign(target, { x: 80, y: 100 });
    const events: SimEvent[] = [];
    applyInput(world, shooter, { ...IDLE, fire: true, aim: 0 }, 150);
    for (let i = 0; i < 30; i++) events.push(...stepWorld(world, seenLower));
    expect(events.some((e) => e.type === "hit" && e.targetId === "t")).toBe(true);

    // The same shot without rewind misses.
    const live = createWorld(1, TICK_HZ, openLevel([{ x: 50, y: 101.5 }]));
    Object.assign(addPlayer(live, "s", "S"), { x: 50, y: 101.5 });
    Object.assign(addPlayer(live, "t", "T"), { x: 80, y: 100 });
    const liveEvents: SimEvent[] = [];
    applyInput(live, live.players.get("s")!, { ...IDLE, fire: true, aim: 0 }, 0);
    for (let i = 0; i < 30; i++) liveEvents.push(...stepWorld(live, seenLower));
    expect(liveEvents.some((e) => e.type === "hit")).toBe(false);
  });
});

describe("spawning", () => {
  it("spawns at a free spawn point when one exists", () => {
    const points = [{ x: 20, y: 20 }, { x: 180, y: 180 }];
    const world = createWorld(7, TICK_HZ, openLevel(points));
    const first = addPlayer(world, "a", "A");
    const second = addPlayer(world, "b", "B");
    expect(points).toContainEqual({ x: first.x, y: first.y });
    expect(points).toContainEqual({ x: second.x, y: second.y });
    expect({ x: second.x, y: second.y }).not.toEqual({ x: first.x, y: first.y });
  });
});
