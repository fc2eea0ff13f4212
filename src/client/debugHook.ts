import type { RemoteSnapshot } from "./composeFrame.ts";
import type { GameSession } from "./GameSession.ts";
import type { PredictionErrorReport } from "./OwnPrediction.ts";
import type { DrawnProjectile } from "./ProjectileTracker.ts";

/** Which full-screen overlay is showing. */
export type OverlayName = "lobby" | "joining" | "none" | "reconnecting" | "disconnected";

/**
 * `window.__arena`: a read-only view of the running client for browser tests
 * and for poking at in the console. Positions are in world units; "drawn"
 * means as rendered by the most recent frame. Every call returns a copy.
 *
 * - `sessionId`: this client's session in the room (undefined outside a game)
 * - `frame()`: frames drawn in this session
 * - `overlay()`: the overlay showing ("none" while playing)
 * - `predicted()`: the own player as drawn (predicted), or null
 * - `serverPosition()`: the own player's latest server state, or null
 * - `predictionError()`: prediction vs acknowledged server state, in units
 * - `remote(id)`: another player as drawn (interpolated), or null
 * - `projectiles()`: projectiles as drawn
 */
export interface ArenaDebugHook {
  readonly sessionId: string | undefined;
  frame(): number;
  overlay(): OverlayName;
  predicted(): { x: number; y: number } | null;
  serverPosition(): { x: number; y: number } | null;
  predictionError(): PredictionErrorReport | null;
  remote(id: string): RemoteSnapshot | null;
  projectiles(): DrawnProjectile[];
}

declare global {
  interface Window {
    __arena?: ArenaDebugHook;
  }
}

export function installDebugHook(source: { session(): GameSession | undefined; overlay(): OverlayName }): void {
  const hook: ArenaDebugHook = {
    get sessionId() {
      return source.session()?.room.sessionId;
    },
    frame: () => source.session()?.snapshot.frame ?? 0,
    overlay: () => source.overlay(),
    predicted: () => {
      const own = source.session()?.snapshot.own;
      return own == null ? null : { ...own };
    },
    serverPosition: () => source.session()?.serverPosition() ?? null,
    predictionError: () => source.session()?.predictionError() ?? null,
    remote: (id) => {
      const remote = source.session()?.snapshot.remotes.get(id);
      return remote === undefined ? null : { ...remote };
    },
    projectiles: () => (source.session()?.snapshot.projectiles ?? []).map((p) => ({ ...p })),
  };
  Object.defineProperty(window, "__arena", { value: Object.freeze(hook), configurable: false, writable: false });
}
