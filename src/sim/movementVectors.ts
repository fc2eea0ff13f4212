import {
  GRID_CELL_UNITS, PLAYER_ACCEL_UPS2, PLAYER_BRAKE_UPS2, PLAYER_MAX_SPEED_UPS, PLAYER_RADIUS_UNITS,
  POSITION_SCALE, VELOCITY_SCALE,
} from "./constants.ts";
import type { Rect } from "./geometry.ts";
import { ARENA_LEVEL } from "./level.ts";
import { MAX_SUBSTEP_UNITS } from "./movement.ts";
import { nextInt } from "./rng.ts";
import { addPlayer, applyInput, createWorld } from "./world.ts";

/**
 * Movement test vectors: wire inputs and the wire body after every step, as
 * the server computes them, for a port of the client's prediction in another
 * language to check itself against bit for bit. Written to
 * MOVEMENT_VECTORS_FILE by `npm run vectors`; a test keeps that file in sync.
 */

/** Where the vectors are committed, relative to the repository root. */
export const MOVEMENT_VECTORS_FILE = "docs/movement-vectors.json";
/** Raised when a field changes meaning, so a port's check notices instead of misreading. */
export const MOVEMENT_VECTORS_VERSION = 1;
/** Steps of the wire's 16-bit input angle (`t.angle()` on PlayerInput.aim) per full turn. */
const AIM_WIRE_STEPS = 65_536;

/** A player's movement fields as the wire carries them: x, y in 1/POSITION_SCALE u, vx, vy in 1/VELOCITY_SCALE u/s. */
export interface VectorBody {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** PlayerInput's movement-relevant fields as sent: int8 axes in [-1, 1], aim in 1/AIM_WIRE_STEPS turns. */
export interface VectorInput {
  moveX: number;
  moveY: number;
  aim: number;
}

export interface VectorStep {
  input: VectorInput;
  after: VectorBody;
}

export interface VectorCase {
  name: string;
  about: string;
  tickHz: number;
  start: VectorBody;
  steps: VectorStep[];
}

export interface MovementVectors {
  format: string;
  version: number;
  generatedBy: string;
  rules: string[];
  units: { positionScale: number; velocityScale: number; aimSteps: number };
  /** What each integer field of `start`, `input` and `after` means on the wire. */
  fields: Record<string, string>;
  constants: Record<string, number>;
  level: { widthUnits: number; heightUnits: number; gridCellUnits: number; obstacles: readonly Rect[] };
  cases: VectorCase[];
}

/** What a port must do to reproduce the steps; kept next to the code it describes. */
const RULES = [
  "The reference step is stepPlayerMovement in src/sim/movement.ts: the server runs it once per input it consumes (src/sim/world.ts applyInput), the browser client once per input it sends (src/client/wireMovement.ts stepWireBody).",
  "For each case: set the body to start. For each step: convert the body to units (x / positionScale, vx / velocityScale), step once with the input's moveX and moveY and dt = 1 / tickHz, convert back (x * positionScale, vx * velocityScale) and compare with after: all four integers must be equal.",
  "All arithmetic is IEEE-754 float64 (C# double, Lua number), in the reference's order of operations; dt is the float64 quotient 1 / tickHz, never a rounded literal.",
  "Snapping rounds to the nearest integer with ties towards +infinity (JavaScript's Math.round): r = floor(v); if v - r >= 0.5 then r = r + 1. C#'s Math.Round rounds ties to even and fails the case rounding-ties.",
  "After each sub-step: clamp to the arena bounds, then take the walls whose rectangle overlaps the square x - r .. x + r, y - r .. y + r (touching counts), once, in the order of level.obstacles, and push the circle out of each in turn. The reference takes them from a grid of gridCellUnits cells; in this level that order is the list's wherever it matters (where the two walls of an L-shaped cover meet: slide-across-joint fails with the order reversed).",
  "The step scales a diagonal input (length > 1) down to length 1. aim, fire and seq do not affect movement; aim is listed because every input carries it.",
  "A float64 step can end on -0; the wire has no negative zero, so compare as integers (-0 == 0).",
];

interface CaseScript {
  name: string;
  about: string;
  tickHz: number;
  /** Start position in units and velocity in u/s. */
  start: { x: number; y: number; vx?: number; vy?: number };
  inputs: VectorInput[];
}

/** `count` inputs holding one direction, aim 0 (towards +x). */
function hold(moveX: number, moveY: number, count: number): VectorInput[] {
  return Array.from({ length: count }, () => ({ moveX, moveY, aim: 0 }));
}

/**
 * `count` inputs from a seeded PRNG: a random direction (or none) held for
 * 1-12 steps, so the body reaches speed, brakes and turns; the aim changes
 * every step. The cases' seeds are ones whose walks run into walls often.
 */
function randomWalk(seed: number, count: number): VectorInput[] {
  const rng = { rngState: seed };
  const inputs: VectorInput[] = [];
  while (inputs.length < count) {
    const moveX = nextInt(rng, 3) - 1;
    const moveY = nextInt(rng, 3) - 1;
    const holdSteps = 1 + nextInt(rng, 12);
    for (let i = 0; i < holdSteps && inputs.length < count; i++) inputs.push({ moveX, moveY, aim: nextInt(rng, AIM_WIRE_STEPS) });
  }
  return inputs;
}

/** Positions in units, velocities in u/s; the walls named are ARENA_LEVEL's. */
const CASES: CaseScript[] = [
  {
    name: "run-and-stop",
    about: "From rest to the max speed along +x in open ground, then no input: braking to a stop.",
    tickHz: 30, start: { x: 60, y: 85 }, inputs: [...hold(1, 0, 20), ...hold(0, 0, 10)],
  },
  {
    name: "reverse-at-full-speed",
    about: "Starts at the max speed along +x and pushes -x: through zero to the max speed the other way.",
    tickHz: 30, start: { x: 80, y: 60, vx: PLAYER_MAX_SPEED_UPS }, inputs: [...hold(-1, 0, 16), ...hold(0, 0, 8)],
  },
  {
    name: "diagonals",
    about: "All four diagonals in turn (the input is scaled to length 1), each from the last one's velocity, then braking.",
    tickHz: 30, start: { x: 75, y: 70 },
    inputs: [...hold(1, 1, 12), ...hold(-1, 1, 12), ...hold(-1, -1, 12), ...hold(1, -1, 12), ...hold(0, 0, 10)],
  },
  {
    name: "slide-along-wall",
    about: "Pushes +x into the west face of the wall at x 96..104, y 20..50 while moving +y: slides along it, rounds its corner at (96, 50) and goes on.",
    tickHz: 30, start: { x: 93, y: 24 }, inputs: hold(1, 1, 90),
  },
  {
    name: "slide-across-joint",
    about: "Starts touching the west face x = 40 of the L-shaped cover at (40, 40) and pushes into it while sliding +y: across the joint at y = 44 where its two walls meet, then around its end at (40, 64).",
    tickHz: 30, start: { x: 39, y: 41 }, inputs: hold(1, 1, 75),
  },
  {
    name: "inner-corner",
    about: "Runs diagonally at the inside corner (44, 44) of the L-shaped cover at (40, 40): meets its wall x = 44 first, slides into the corner, where it touches both walls, and keeps pushing.",
    tickHz: 30, start: { x: 49, y: 50 }, inputs: [...hold(-1, -1, 24), ...hold(0, 0, 3)],
  },
  {
    name: "outer-corner",
    about: "Runs exactly diagonally into the corner (92, 92) of the centre block and sticks there (the push takes the whole velocity), then +x for 4 steps and the diagonal again: it slides off along the face y = 92.",
    tickHz: 30, start: { x: 85, y: 85 }, inputs: [...hold(1, 1, 30), ...hold(1, 0, 4), ...hold(1, 1, 16)],
  },
  {
    name: "arena-corner-min",
    about: "Into the arena's corner at (0, 0) (the centre stops one radius away), then along the edge y = 0.",
    tickHz: 30, start: { x: 4, y: 7 }, inputs: [...hold(-1, -1, 25), ...hold(1, -1, 30)],
  },
  {
    name: "arena-corner-max",
    about: "Into the arena's corner at (200, 200), then along the edge x = 200.",
    tickHz: 30, start: { x: 195, y: 192 }, inputs: [...hold(1, 1, 25), ...hold(1, -1, 30)],
  },
  {
    name: "rounding-ties",
    about: "At 64 Hz (TICK_HZ=64; dt = 1/64 is exact) positions land exactly halfway between two wire integers and round up: x 10244.5 -> 10245 in step 1, where rounding ties to even gives 10244.",
    tickHz: 64, start: { x: 10241 / POSITION_SCALE, y: 10240 / POSITION_SCALE, vx: 88 / VELOCITY_SCALE, vy: -88 / VELOCITY_SCALE },
    inputs: [...hold(1, 0, 1), ...hold(0, -1, 1), ...hold(0, 0, 3)],
  },
  {
    name: "random-walk-30hz",
    about: "A seeded random walk from beside the L-shaped cover at (40, 40) at the default tick rate; the aim changes every step.",
    tickHz: 30, start: { x: 38, y: 38 }, inputs: randomWalk(49, 400),
  },
  {
    name: "random-walk-20hz",
    about: "A seeded random walk from beside the centre block, already moving, at 20 Hz (TICK_HZ=20): longer steps, same rules.",
    tickHz: 20, start: { x: 90, y: 110, vx: -6, vy: 3 }, inputs: randomWalk(2, 150),
  },
  {
    name: "random-walk-60hz",
    about: "A seeded random walk from near the L-shaped cover at (156, 136) at 60 Hz (TICK_HZ=60).",
    tickHz: 60, start: { x: 150, y: 150 }, inputs: randomWalk(30, 200),
  },
];

/** A body's wire integers; `+ 0` turns a float64 -0 into 0, which is what the wire carries. */
function wireBody(body: { x: number; y: number; vx: number; vy: number }): VectorBody {
  return {
    x: body.x * POSITION_SCALE + 0,
    y: body.y * POSITION_SCALE + 0,
    vx: body.vx * VELOCITY_SCALE + 0,
    vy: body.vy * VELOCITY_SCALE + 0,
  };
}

/** Runs a case through the server's path: the world's applyInput on a decoded input. */
function runCase(script: CaseScript): VectorCase {
  const world = createWorld(0, script.tickHz, ARENA_LEVEL);
  const player = addPlayer(world, "vectors", "vectors");
  const start = wireBody({ x: script.start.x, y: script.start.y, vx: script.start.vx ?? 0, vy: script.start.vy ?? 0 });
  // From the wire integers, as a client receives the body: the start snaps to the wire's grid.
  player.x = start.x / POSITION_SCALE;
  player.y = start.y / POSITION_SCALE;
  player.vx = start.vx / VELOCITY_SCALE;
  player.vy = start.vy / VELOCITY_SCALE;
  const steps = script.inputs.map((input) => {
    // The server reads the dequantized angle (min + q / steps * range); movement never reads it.
    applyInput(world, player, { moveX: input.moveX, moveY: input.moveY, aim: (input.aim / AIM_WIRE_STEPS) * (Math.PI * 2), fire: false });
    return { input, after: wireBody(player) };
  });
  return { name: script.name, about: script.about, tickHz: script.tickHz, start, steps };
}

/** The whole file's content: rules, units, constants, level and every case stepped through the server's applyInput. */
function buildMovementVectors(): MovementVectors {
  return {
    format: "arena-movement-vectors",
    version: MOVEMENT_VECTORS_VERSION,
    generatedBy: "npm run vectors (src/sim/movementVectors.ts); do not edit by hand",
    rules: RULES,
    units: { positionScale: POSITION_SCALE, velocityScale: VELOCITY_SCALE, aimSteps: AIM_WIRE_STEPS },
    fields: {
      "x, y": "uint16: position in units * positionScale",
      "vx, vy": "int16: velocity in units per second * velocityScale",
      "moveX, moveY": "int8: the input's axes; the server clamps them to [-1, 1]",
      "aim": "uint16: the input's aim in turns * aimSteps (radians = aim / aimSteps * 2 pi)",
    },
    constants: {
      playerRadiusUnits: PLAYER_RADIUS_UNITS,
      playerMaxSpeedUps: PLAYER_MAX_SPEED_UPS,
      playerAccelUps2: PLAYER_ACCEL_UPS2,
      playerBrakeUps2: PLAYER_BRAKE_UPS2,
      maxSubstepUnits: MAX_SUBSTEP_UNITS,
    },
    level: {
      widthUnits: ARENA_LEVEL.widthUnits,
      heightUnits: ARENA_LEVEL.heightUnits,
      gridCellUnits: GRID_CELL_UNITS,
      obstacles: ARENA_LEVEL.obstacles,
    },
    cases: CASES.map(runCase),
  };
}

/** Lines up to this long stay on one line: one step per line keeps the file small and its diffs readable. */
const LINE_WIDTH = 120;

/** JSON text of `value`: an object or array that fits on a line is written on one, otherwise one member per line. */
function formatJson(value: unknown, indent = ""): string {
  const flat = JSON.stringify(value);
  if (value === null || typeof value !== "object" || indent.length + flat.length <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  const members = Array.isArray(value)
    ? value.map((item) => inner + formatJson(item, inner))
    : Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner)}`);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${members.join(",\n")}\n${indent}${close}`;
}

/** The exact text of MOVEMENT_VECTORS_FILE. */
export function movementVectorsJson(): string {
  return `${formatJson(buildMovementVectors())}\n`;
}
