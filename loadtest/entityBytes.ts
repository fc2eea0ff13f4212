/**
 * Bytes a moved entity costs in a Schema 5 patch, measured from real encoded
 * patches (no arithmetic from the spec): N players in one client's view move
 * and nothing else changes; the patch length divided by N is the cost of one.
 * Done per ref-id band, for the shipped schema (x, y: two uint16) and the
 * packed experiment (one uint32). Used by `bench:tick`.
 */
import { Encoder, Reflection, StateView, type MapSchema, type Schema } from "@colyseus/schema";
import { SchemaSerializer } from "@colyseus/sdk";
import { ArenaState, OWNER_VIEW_TAG, Player, Projectile } from "../rooms/schema/ArenaState.ts";
import { PackedArenaState, PackedPlayer, packPosition, unpackPosition } from "./packedPosition.ts";
import { refIdOf } from "./patchTally.ts";

export type WireVariant = "stock" | "packed";

/**
 * Bytes in front of the encoded state in every patch frame of a room that
 * uses `defineInput`: the message code (1) and core's timed prefix, server
 * time and acknowledged input seq as two uint32 (4 + 4; buildTimedFrame in
 * @colyseus/core's SchemaSerializer).
 */
export const PATCH_FRAME_PREFIX_BYTES = 1 + 8;

/** One client's patch, encoded the way core's serializer does: the shared changes, then the view's. */
function encodePatch(encoder: Encoder, view: StateView): Uint8Array {
  const it = { offset: 0 };
  encoder.encode(it);
  return encoder.encodeView(view, it.offset, it);
}

function encodeFullState(encoder: Encoder, view: StateView): Uint8Array {
  const it = { offset: 0 };
  encoder.encodeAll(it);
  return encoder.encodeAllView(view, it.offset, it);
}

/**
 * Attaches and drops projectiles until the next schema instance gets
 * `firstRefId`: what a room's projectiles do to its ref ids over time.
 */
export function burnRefIds(projectiles: MapSchema<Projectile>, encoder: Encoder, firstRefId: number): void {
  const probe = new Projectile();
  projectiles.set("probe", probe);
  let next = refIdOf(probe) + 1;
  projectiles.delete("probe");
  const batch: string[] = [];
  while (next < firstRefId) {
    batch.length = 0;
    for (let i = 0; i < 4096 && next < firstRefId; i++, next++) {
      batch.push(`burn${i}`);
      projectiles.set(`burn${i}`, new Projectile());
    }
    for (const key of batch) projectiles.delete(key);
    encoder.discardChanges();
  }
  encoder.discardChanges();
}

interface MoverHarness {
  encoder: Encoder;
  view: StateView;
  /** Ref id of each mover. */
  refIds: number[];
  move(dx: number, dy: number): void;
}

function moverHarness(variant: WireVariant, firstRefId: number, movers: number): MoverHarness {
  // Positions start mid-range so moves never cross 0 or 65535.
  const start = 10_000;
  if (variant === "stock") {
    return harnessOf(new ArenaState(), firstRefId, movers, () => new Player({ x: start, y: start }), (p, dx, dy) => {
      p.x += dx;
      p.y += dy;
    });
  }
  return harnessOf(new PackedArenaState(), firstRefId, movers, () => new PackedPlayer({ pos: packPosition(start, start) }), (p, dx, dy) => {
    const { x, y } = unpackPosition(p.pos);
    p.pos = packPosition(x + dx, y + dy);
  });
}

/** `movers` players made by `create`, all in one view, added to `state` once its next ref id is `firstRefId`. */
function harnessOf<P extends Schema>(
  state: Schema & { players: MapSchema<P>; projectiles: MapSchema<Projectile> },
  firstRefId: number,
  movers: number,
  create: () => P,
  move: (player: P, dx: number, dy: number) => void,
): MoverHarness {
  const encoder = new Encoder(state);
  burnRefIds(state.projectiles, encoder, firstRefId);
  const players = Array.from({ length: movers }, (_, i) => {
    const p = create();
    state.players.set(`p${i}`, p);
    return p;
  });
  const view = new StateView();
  for (const p of players) view.add(p);
  return {
    encoder, view, refIds: players.map(refIdOf),
    move(dx, dy) { for (const p of players) move(p, dx, dy); },
  };
}

export interface MovedEntityCost {
  /** Bytes per entity in a patch where each of `movers` other players moved on both axes, nothing else changing. */
  bothAxes: number;
  /** The same with one axis changed. */
  oneAxis: number;
  minRefId: number;
  maxRefId: number;
}

/** Encodes two patches (both axes, then one axis) in which exactly `movers` visible players move. */
export function movedEntityCost(variant: WireVariant, firstRefId: number, movers = 100): MovedEntityCost {
  const h = moverHarness(variant, firstRefId, movers);
  encodeFullState(h.encoder, h.view);
  h.encoder.discardChanges();
  encodePatch(h.encoder, h.view); // the view's own pending adds
  h.encoder.discardChanges();
  h.move(77, 77);
  const bothAxes = encodePatch(h.encoder, h.view).byteLength / movers;
  h.encoder.discardChanges();
  h.move(1, 0);
  const oneAxis = encodePatch(h.encoder, h.view).byteLength / movers;
  h.encoder.discardChanges();
  return { bothAxes, oneAxis, minRefId: Math.min(...h.refIds), maxRefId: Math.max(...h.refIds) };
}

/** Encoded bytes of a patch in which only the state's tick changed (the shipped schema). */
export function tickOnlyPatchBytes(): number {
  const state = new ArenaState();
  const encoder = new Encoder(state);
  const view = new StateView();
  encodeFullState(encoder, view);
  encoder.discardChanges();
  state.tick = 123_456;
  return encodePatch(encoder, view).byteLength;
}

/**
 * Whether the stock SDK (its SchemaSerializer, fed the server's reflection
 * handshake as on a real join) decodes packed positions back to the exact
 * integers, at the ends of the range (2^32 - 1 must not come back as -1).
 */
export function sdkDecodesPackedPositions(): boolean {
  const state = new PackedArenaState();
  const encoder = new Encoder(state);
  const player = new PackedPlayer({ pos: packPosition(0, 0) });
  state.players.set("a", player);
  const view = new StateView();
  view.add(player, OWNER_VIEW_TAG);
  const client = new SchemaSerializer<PackedArenaState>();
  client.handshake(Reflection.encode(encoder));
  client.setState(encodeFullState(encoder, view));
  encoder.discardChanges();
  client.patch(encodePatch(encoder, view));
  encoder.discardChanges();
  const samples: [number, number][] = [[25_599, 1], [1, 25_599], [65_535, 65_535], [12_345, 0], [0, 0]];
  return samples.every(([x, y]) => {
    player.pos = packPosition(x, y);
    client.patch(encodePatch(encoder, view));
    encoder.discardChanges();
    const decoded = client.getState().players.get("a")?.pos;
    if (decoded === undefined) return false;
    const back = unpackPosition(decoded);
    return decoded === packPosition(x, y) && back.x === x && back.y === y;
  });
}
