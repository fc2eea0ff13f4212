import { Room, type Client } from "@colyseus/core";
import { ARENA_LEVEL } from "../../../src/sim/level.ts";
import { addPlayer, applyInput, createWorld, removePlayer, stepWorld, type World } from "../../../src/sim/world.ts";
import { StockArenaState, StockInput, StockPlayer, StockProjectile } from "./StockArenaState.ts";

/** The baselines' world seed: fixed, like the JSON baselines'. */
const SEED = 1;

export interface StockArenaOptions {
  tickHz: number;
  patchHz: number;
  maxClients: number;
}

/**
 * Baseline 4, stock Colyseus: the same simulation in a Room written the way
 * the 0.18 docs show it (`defineInput` consumed with a for-of each fixed
 * tick, state mirrored onto the schema), with no StateView: one shared patch
 * for everyone. Inputs are acknowledged in the TIMED patch header, as in the
 * real room.
 */
export class StockArenaRoom extends Room<{ state: StockArenaState; input: StockInput }> {
  state = new StockArenaState();
  inputs = this.defineInput(StockInput, { seqField: "seq" });
  private world!: World;

  onCreate(options: StockArenaOptions) {
    this.world = createWorld(SEED, options.tickHz, ARENA_LEVEL);
    this.maxClients = options.maxClients;
    this.patchRate = 1000 / options.patchHz;
    this.state.tickHz = options.tickHz;
    this.setFixedTimestep(() => this.step(), options.tickHz);
  }

  onJoin(client: Client, options: { name?: unknown } | undefined) {
    const name = typeof options?.name === "string" ? options.name.slice(0, 16) : "player";
    addPlayer(this.world, client.sessionId, name);
    this.state.players.set(client.sessionId, new StockPlayer({ name, playerId: client.sessionId }));
  }

  onLeave(client: Client) {
    removePlayer(this.world, client.sessionId);
    this.state.players.delete(client.sessionId);
  }

  private step(): void {
    for (const [sessionId, player] of this.world.players) {
      for (const input of this.inputs.get(sessionId)) applyInput(this.world, player, input);
    }
    for (const event of stepWorld(this.world)) {
      if (event.type === "fired") {
        const p = event.projectile;
        this.state.projectiles.set(String(p.id), new StockProjectile({
          ownerId: p.ownerId, originX: p.originX, originY: p.originY, vx: p.vx, vy: p.vy, spawnTick: p.spawnTick,
        }));
      } else if (event.type === "projectileRemoved") {
        this.state.projectiles.delete(String(event.projectileId));
      } else if (event.type === "killed") {
        this.broadcast("kill", { killerId: event.killerId, victimId: event.victimId });
      }
    }
    for (const [sessionId, sim] of this.world.players) {
      const wire = this.state.players.get(sessionId);
      if (wire === undefined) continue;
      wire.x = sim.x;
      wire.y = sim.y;
      wire.vx = sim.vx;
      wire.vy = sim.vy;
      wire.aim = sim.aim;
      wire.hp = sim.hp;
      wire.score = sim.score;
      wire.isAlive = sim.isAlive;
    }
    this.state.tick = this.world.tick;
  }
}
