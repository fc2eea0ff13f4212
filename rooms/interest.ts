import type { StateView } from "@colyseus/schema";
import type { SimEntity, World } from "../src/sim/world.ts";

/** What a view can hold: a schema instance (structurally; avoids a schema-type dependency here). */
type ViewRef = Parameters<StateView["add"]>[0];

/**
 * Keeps each client's StateView equal to "every entity within the view radius
 * of its own player" (its own player is added once, with the owner tag, and
 * never removed). Queries go through the world's spatial grid.
 */
export class InterestManager {
  private readonly radiusUnits: number;
  private readonly visibleBySession = new Map<string, Set<ViewRef>>();
  /** Reused every update (swapped with the viewer's set), so a patch allocates no sets. */
  private spare = new Set<ViewRef>();
  private readonly scratch: SimEntity[] = [];

  constructor(radiusUnits: number) {
    this.radiusUnits = radiusUnits;
  }

  /** Adds or removes entities so `view` matches what `viewerId`'s player can see now. */
  update(viewerId: string, view: StateView, world: World, refOf: (entity: SimEntity) => ViewRef | undefined): void {
    const viewer = world.players.get(viewerId);
    if (viewer === undefined) return;
    let visible = this.visibleBySession.get(viewerId);
    if (visible === undefined) {
      visible = new Set();
      this.visibleBySession.set(viewerId, visible);
    }

    this.scratch.length = 0;
    world.entityGrid.queryRadius(viewer.x, viewer.y, this.radiusUnits, this.scratch);
    const now = this.spare;
    now.clear();
    for (const entity of this.scratch) {
      if (entity.kind === "player" && entity.id === viewerId) continue;
      const ref = refOf(entity);
      if (ref === undefined) continue;
      now.add(ref);
      if (!visible.has(ref)) view.add(ref);
    }
    for (const ref of visible) {
      if (!now.has(ref)) view.remove(ref);
    }
    this.visibleBySession.set(viewerId, now);
    this.spare = visible;
  }

  /**
   * An entity left the state: forget it everywhere. The collection delete
   * already reaches the views that held it, so no view.remove is needed.
   */
  forgetEntity(ref: ViewRef): void {
    for (const visible of this.visibleBySession.values()) visible.delete(ref);
  }

  forgetViewer(sessionId: string): void {
    this.visibleBySession.delete(sessionId);
  }
}
