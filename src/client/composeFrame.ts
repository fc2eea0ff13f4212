import type { ArenaState, Player } from "../../rooms/schema/ArenaState.ts";
import { POSITION_SCALE } from "../sim/constants.ts";
import type { Level } from "../sim/level.ts";
import type { PlayerSprite, Scene } from "./drawArena.ts";
import type { DrawnProjectile } from "./ProjectileTracker.ts";

export interface RemoteSnapshot {
  name: string;
  /** Units, as drawn (interpolated). */
  x: number;
  y: number;
  hp: number;
  score: number;
  isAlive: boolean;
  isConnected: boolean;
}

export interface FrameSources {
  state: ArenaState;
  ownId: string;
  level: Level;
  /** The own player as predicted (units), or undefined before it exists. */
  own: { x: number; y: number } | undefined;
  /** The live mouse aim: the own gun follows the mouse, not the server. */
  ownAim: number;
  /** A remote player's drawn (interpolated) field value, in wire units. */
  drawn: (player: Player, field: "x" | "y" | "aim") => number;
  projectiles: DrawnProjectile[];
}

/**
 * What one frame draws: the own player at its predicted position (centred),
 * the others where interpolation puts them, the dead left out; plus the
 * remote players as drawn, for the debug hook.
 */
export function composeFrame(src: FrameSources): { scene: Scene; remotes: Map<string, RemoteSnapshot> } {
  const sprites: PlayerSprite[] = [];
  const remotes = new Map<string, RemoteSnapshot>();
  src.state.players.forEach((player: Player, id: string) => {
    const common = { id, name: player.name, hp: player.hp, isConnected: player.isConnected };
    if (id === src.ownId) {
      if (src.own !== undefined && player.isAlive) sprites.push({ ...common, ...src.own, aim: src.ownAim, isOwn: true });
      return;
    }
    const x = src.drawn(player, "x") / POSITION_SCALE;
    const y = src.drawn(player, "y") / POSITION_SCALE;
    remotes.set(id, { name: player.name, x, y, hp: player.hp, score: player.score, isAlive: player.isAlive, isConnected: player.isConnected });
    if (player.isAlive) sprites.push({ ...common, x, y, aim: src.drawn(player, "aim"), isOwn: false });
  });
  const centre = src.own ?? { x: src.level.widthUnits / 2, y: src.level.heightUnits / 2 };
  return { scene: { centre, level: src.level, players: sprites, projectiles: src.projectiles, ownId: src.ownId }, remotes };
}
