/**
 * In-process A/B of two wire schemas over one simulated match: the pure
 * simulation (src/sim) runs with `bench:tick`'s bot inputs and, at every
 * patch, is mirrored onto the shipped schema and onto the packed experiment,
 * each with its own views (the room's InterestManager), encoder and one
 * decoding client per player. Each patch is the one a real client would get
 * (the room's mirror and interest rule, core's encoder calls, the frame
 * prefix), so both schemas' all-in bytes come from the same trajectories.
 * Players join a room whose next ref id is `firstPlayerRefId`: the late
 * joiners of a long-lived room, whose ids its projectiles have pushed up.
 */
import { Decoder, Encoder, StateView, type MapSchema, type Schema } from "@colyseus/schema";
import { POSITION_SCALE } from "../src/sim/constants.ts";
import { ARENA_LEVEL } from "../src/sim/level.ts";
import { nextRandom } from "../src/sim/rng.ts";
import { addPlayer, applyInput, createWorld, stepWorld, type SimEntity, type SimEvent, type SimPlayer, type World } from "../src/sim/world.ts";
import { InterestManager } from "../rooms/interest.ts";
import { createWireProjectile, createWirePlayer, writePlayer } from "../rooms/stateSync.ts";
import { ArenaState, OWNER_VIEW_TAG, type Player, type Projectile } from "../rooms/schema/ArenaState.ts";
import { burnRefIds, PATCH_FRAME_PREFIX_BYTES, type WireVariant } from "./entityBytes.ts";
import { PackedArenaState, PackedPlayer, unpackPosition, writePackedPlayer } from "./packedPosition.ts";
import { createTally, tallyPatch, type PatchTally } from "./patchTally.ts";

export interface ReplayOptions {
  players: number;
  warmupSeconds: number;
  seconds: number;
  tickHz: number;
  patchHz: number;
  viewRadiusUnits: number;
  /** Ref id the first player gets (0 or less: a fresh room). */
  firstPlayerRefId: number;
  seed: number;
}

export interface ReplayTotals extends PatchTally {
  /** Patches received, summed over clients. */
  patches: number;
  /** Patch frame bytes received (frame prefix included), summed over clients. */
  bytes: number;
}

export interface ReplayResult {
  measuredSeconds: number;
  sides: Record<WireVariant, ReplayTotals>;
  /** Packed positions unpacked and compared with the simulation's, and whether all matched. */
  packedPositionsChecked: number;
  isPackingExact: boolean;
}

type ViewRef = Parameters<StateView["add"]>[0];
type WireState<P> = Schema & { tick: number; players: MapSchema<P>; projectiles: MapSchema<Projectile> };

interface SideSpec<P extends object> {
  newState(): WireState<P>;
  create(sim: SimPlayer): P;
  write(wire: P, sim: SimPlayer): void;
  /** x * 65536 + y in wire quanta. */
  positionKey(player: P): number;
}

const STOCK: SideSpec<Player> = {
  newState: () => new ArenaState(),
  create: (sim) => createWirePlayer(sim, sim.id),
  write: writePlayer,
  positionKey: (p) => p.x * 65_536 + p.y,
};

const PACKED: SideSpec<PackedPlayer> = {
  newState: () => new PackedArenaState(),
  create: (sim) => {
    const wire = new PackedPlayer({ name: sim.name, playerId: sim.id });
    writePackedPlayer(wire, sim);
    return wire;
  },
  write: writePackedPlayer,
  positionKey: (p) => p.pos,
};

/** One schema's room side (state, encoder, views) and its decoding clients. */
class Side<P extends object> {
  readonly totals: ReplayTotals = { ...createTally(), patches: 0, bytes: 0 };
  readonly state: WireState<P>;
  private readonly spec: SideSpec<P>;
  private readonly encoder: Encoder;
  private readonly interest: InterestManager;
  private readonly views = new Map<string, StateView>();
  private readonly clients = new Map<string, { decoder: Decoder<WireState<P>>; lastSeen: Map<string, number> }>();

  constructor(spec: SideSpec<P>, viewRadiusUnits: number, firstPlayerRefId: number) {
    this.spec = spec;
    this.state = spec.newState();
    this.encoder = new Encoder(this.state);
    this.interest = new InterestManager(viewRadiusUnits);
    burnRefIds(this.state.projectiles, this.encoder, firstPlayerRefId);
  }

  join(sim: SimPlayer): void {
    const wire = this.spec.create(sim);
    this.state.players.set(sim.id, wire);
    const view = new StateView();
    view.add(wire as ViewRef, OWNER_VIEW_TAG);
    this.views.set(sim.id, view);
    this.clients.set(sim.id, { decoder: new Decoder(this.spec.newState()), lastSeen: new Map() });
  }

  applyEvents(events: readonly SimEvent[]): void {
    for (const event of events) {
      if (event.type === "fired") {
        this.state.projectiles.set(String(event.projectile.id), createWireProjectile(event.projectile));
      } else if (event.type === "projectileRemoved") {
        const key = String(event.projectileId);
        const wire = this.state.projectiles.get(key);
        if (wire === undefined) continue;
        this.state.projectiles.delete(key);
        this.interest.forgetEntity(wire);
      }
    }
  }

  /** ArenaRoom.broadcastPatch, then core's serializer (one shared encode, one encodeView per view), then each client's decode. */
  patch(world: World, isMeasuring: boolean): void {
    for (const [id, sim] of world.players) this.spec.write(this.state.players.get(id)!, sim);
    this.state.tick = world.tick;
    const refOf = (entity: SimEntity): ViewRef | undefined => (entity.kind === "player"
      ? this.state.players.get(entity.id)
      : this.state.projectiles.get(String(entity.id))) as ViewRef | undefined;
    for (const [id, view] of this.views) this.interest.update(id, view, world, refOf);
    const it = { offset: 0 };
    this.encoder.encode(it);
    const sharedOffset = it.offset;
    for (const [id, view] of this.views) {
      const bytes = this.encoder.encodeView(view, sharedOffset, it);
      const client = this.clients.get(id)!;
      client.decoder.decode(bytes);
      const { players, projectiles } = client.decoder.state;
      const tally = isMeasuring ? this.totals : createTally();
      client.lastSeen = tallyPatch(client.lastSeen, players, projectiles.keys(), this.spec.positionKey, tally);
      if (!isMeasuring) continue;
      this.totals.patches++;
      this.totals.bytes += PATCH_FRAME_PREFIX_BYTES + bytes.byteLength;
    }
    this.encoder.discardChanges();
  }
}

/** 16-bit angle, as the room's `PlayerInput.aim` (t.angle()) delivers it. */
function quantizeInputAim(aim: number): number {
  const turn = 2 * Math.PI;
  const wrapped = ((aim % turn) + turn) % turn;
  return (Math.round((wrapped / turn) * 65_536) % 65_536) * (turn / 65_536);
}

export function replayPatchBytes(options: ReplayOptions): ReplayResult {
  const world = createWorld(options.seed, options.tickHz, ARENA_LEVEL);
  const stock = new Side(STOCK, options.viewRadiusUnits, options.firstPlayerRefId);
  const packed = new Side(PACKED, options.viewRadiusUnits, options.firstPlayerRefId);
  const bots = Array.from({ length: options.players }, (_, i) => {
    const sim = addPlayer(world, `p${i}`, `bot${i}`);
    stock.join(sim);
    packed.join(sim);
    return { sim, rng: { rngState: 1000 + i }, isFiring: i % 5 === 0, moveX: 0, moveY: 0, aim: 0 };
  });

  let packedPositionsChecked = 0;
  let isPackingExact = true;
  const warmupTicks = Math.round(options.warmupSeconds * options.tickHz);
  const totalTicks = warmupTicks + Math.round(options.seconds * options.tickHz);
  for (let tick = 1; tick <= totalTicks; tick++) {
    for (const bot of bots) {
      // bench:tick's live clients, input for input.
      if (nextRandom(bot.rng) < 0.03) {
        bot.moveX = Math.floor(nextRandom(bot.rng) * 3) - 1;
        bot.moveY = Math.floor(nextRandom(bot.rng) * 3) - 1;
      }
      bot.aim += (nextRandom(bot.rng) - 0.5) * 0.3;
      applyInput(world, bot.sim, { moveX: bot.moveX, moveY: bot.moveY, aim: quantizeInputAim(bot.aim), fire: bot.isFiring });
    }
    const events = stepWorld(world);
    stock.applyEvents(events);
    packed.applyEvents(events);
    // Patches at patchHz on the tick clock: 20 of every 30 ticks at the defaults.
    if (Math.floor((tick * options.patchHz) / options.tickHz) === Math.floor(((tick - 1) * options.patchHz) / options.tickHz)) continue;
    stock.patch(world, tick > warmupTicks);
    packed.patch(world, tick > warmupTicks);
    for (const [id, sim] of world.players) {
      const back = unpackPosition(packed.state.players.get(id)!.pos);
      packedPositionsChecked++;
      if (back.x !== sim.x * POSITION_SCALE || back.y !== sim.y * POSITION_SCALE) isPackingExact = false;
    }
  }
  return {
    measuredSeconds: (totalTicks - warmupTicks) / options.tickHz,
    sides: { stock: stock.totals, packed: packed.totals },
    packedPositionsChecked,
    isPackingExact,
  };
}
