import { describe, expect, it } from "vitest";
import { breakdown, selfTimeByNode, type CpuProfile, type ProfileNode } from "./cpuProfile.ts";
import { CATEGORY_RULES, categoryOf, type CallFrame, type CategoryRule } from "./profileCategories.ts";

const ROOT = "file:///srv/game";
const MODULES = `${ROOT}/node_modules`;

/** A frame as V8 writes it: `name@url:line` with a 1-based line, or a bare name for native and synthetic frames. */
function frame(spec: string): CallFrame {
  const match = /^([^@]*)@(.*):(\d+)$/.exec(spec);
  if (match === null) return { functionName: spec, url: "", lineNumber: -1, columnNumber: -1 };
  return { functionName: match[1]!, url: match[2]!, lineNumber: Number(match[3]) - 1, columnNumber: 4 };
}

/** Innermost frame first, as categoryOf takes it. */
const stack = (...specs: string[]) => specs.map(frame);

const PATCH = [`applyPatches@${MODULES}/@colyseus/core/build/serializer/SchemaSerializer.mjs:93`, `broadcastPatch@${ROOT}/rooms/ArenaRoom.ts:193`];
const RECEIVE = [`startLoop@${MODULES}/ws/lib/receiver.js:172`, "_write@node:internal/streams/writable:452", "onStreamRead@node:internal/stream_base_commons:166"];

describe("categoryOf (CATEGORY_RULES)", () => {
  const cases: [string, CallFrame[], string][] = [
    ["idle", stack("(idle)", "(root)"), "idle"],
    ["GC", stack("(garbage collector)", "(root)"), "gc"],
    ["(program)", stack("(program)", "(root)"), "program"],
    ["writev under a patch's send", stack("writev", "writevGeneric@node:internal/stream_base_commons:121", `raw@${MODULES}/@colyseus/ws-transport/build/WebSocketClient.mjs:39`, ...PATCH), "socket-write"],
    ["ws framing of a kill broadcast inside the tick", stack(`frame@${MODULES}/ws/lib/sender.js:70`, `step@${ROOT}/rooms/ArenaRoom.ts:223`), "socket-write"],
    ["schema code the interest manager calls", stack(`add@${MODULES}/@colyseus/schema/build/index.mjs:9000`, `update@${ROOT}/rooms/interest.ts:24`, ...PATCH), "interest"],
    ["inside encodeView", stack(`encodeValue@${MODULES}/@colyseus/schema/build/index.mjs:3585`, `encodeView@${MODULES}/@colyseus/schema/build/index.mjs:9867`, ...PATCH), "view-encode"],
    ["the shared encode", stack(`encodeValue@${MODULES}/@colyseus/schema/build/index.mjs:3585`, `encode@${MODULES}/@colyseus/schema/build/index.mjs:9700`, ...PATCH), "shared-encode"],
    ["rewind recording", stack(`record@${MODULES}/@colyseus/core/build/Rewind.mjs:29`, ...PATCH), "rewind"],
    ["writePlayer's setters", stack(`set@${MODULES}/@colyseus/schema/build/index.mjs:100`, `writePlayer@${ROOT}/rooms/stateSync.ts:7`, PATCH[1]!), "mirror"],
    ["the rest of a patch", stack(`closeIfTooSlow@${ROOT}/rooms/clientGuard.ts:108`, ...PATCH), "patch-rest"],
    ["the ws receiver", stack(...RECEIVE), "input"],
    ["input decode in core", stack(`clone@${MODULES}/@colyseus/schema/build/index.mjs:8059`, `decodeReliable@${MODULES}/@colyseus/core/build/input/RoomInput.mjs:185`, ...RECEIVE), "input"],
    ["the input buffer read in the tick", stack(`next@${MODULES}/@colyseus/core/build/input/InputBuffer.mjs:471`, `step@${ROOT}/rooms/ArenaRoom.ts:223`), "input"],
    ["the simulation", stack(`stepPlayerMovement@${ROOT}/src/sim/movement.ts:41`, `stepWorld@${ROOT}/src/sim/world.ts:173`, `step@${ROOT}/rooms/ArenaRoom.ts:223`), "tick"],
    ["a Writable that is not a socket write", stack("clearBuffer@node:internal/streams/writable:746", "(root)"), "other"],
    ["timers alone", stack("listOnTimeout@node:internal/timers:623", "processTimers@node:internal/timers:603", "(root)"), "timers"],
    ["anything else", stack(`parse@${ROOT}/src/http/route.ts:3`, "(root)"), "other"],
  ];
  it.each(cases)("%s", (_, frames, expected) => {
    expect(categoryOf(frames, CATEGORY_RULES).id).toBe(expected);
  });

  it("refuses a table without a catch-all", () => {
    const rules: CategoryRule[] = [{ id: "gc", label: "GC", frames: [{ name: /^\(garbage collector\)$/ }] }];
    expect(() => categoryOf(stack("(program)"), rules)).toThrow(/catch-all/);
  });
});

/**
 * root
 * ├─ (idle)                       id 2
 * ├─ processTimers                id 3
 * │  └─ broadcastPatch            id 4
 * │     ├─ encodeView             id 5
 * │     └─ writev (native)        id 6
 * └─ (garbage collector)          id 7
 */
function syntheticProfile(): CpuProfile {
  const node = (id: number, spec: string, children: number[] = []): ProfileNode => ({ id, callFrame: frame(spec), children });
  return {
    nodes: [
      node(1, "(root)", [2, 3, 7]),
      node(2, "(idle)"),
      node(3, "processTimers@node:internal/timers:603", [4]),
      node(4, `broadcastPatch@${ROOT}/rooms/ArenaRoom.ts:193`, [5, 6]),
      node(5, `encodeView@${MODULES}/@colyseus/schema/build/index.mjs:9867`),
      node(6, "writev"),
      node(7, "(garbage collector)"),
    ],
    startTime: 1_000_000,
    // Samples at 1_001_000, 1_002_000, 1_003_000, 1_005_000, 1_006_000, 1_007_000; the profile ends at 1_010_000.
    samples: [2, 5, 6, 6, 7, 4],
    timeDeltas: [1_000, 1_000, 1_000, 2_000, 1_000, 1_000],
    endTime: 1_010_000,
  };
}

describe("breakdown of a synthetic profile", () => {
  it("weighs each sample by the time to the next one (the last: to the profile's end)", () => {
    const self = selfTimeByNode(syntheticProfile());
    expect(Object.fromEntries(self)).toEqual({
      2: { samples: 1, us: 1_000 },
      5: { samples: 1, us: 1_000 },
      6: { samples: 2, us: 3_000 },
      7: { samples: 1, us: 1_000 },
      4: { samples: 1, us: 3_000 },
    });
  });

  it("counts every sample in exactly one category, by count and by time", () => {
    const result = breakdown(syntheticProfile(), CATEGORY_RULES);
    const byId = Object.fromEntries(result.categories.filter((c) => c.samples > 0).map((c) => [c.id, [c.samples, c.us]]));
    expect(byId).toEqual({
      "idle": [1, 1_000],
      "gc": [1, 1_000],
      "socket-write": [2, 3_000],
      "view-encode": [1, 1_000],
      "patch-rest": [1, 3_000],
    });
    expect(result.samples).toBe(6);
    expect(result.windowUs).toBe(9_000);
    expect(result.categories.map((c) => c.id)).toEqual(CATEGORY_RULES.map((r) => r.id));
  });

  it("keeps only the samples inside the window", () => {
    const result = breakdown(syntheticProfile(), CATEGORY_RULES, { startUs: 1_002_000, endUs: 1_006_000 });
    expect(result.samples).toBe(3);
    expect(result.categories.find((c) => c.id === "socket-write")).toMatchObject({ samples: 2, us: 3_000 });
    expect(result.categories.find((c) => c.id === "view-encode")).toMatchObject({ samples: 1, us: 1_000 });
    expect(result.categories.find((c) => c.id === "idle")?.samples).toBe(0);
  });

  it("ranks functions by self time with a 1-based file:line, native frames without one", () => {
    const result = breakdown(syntheticProfile(), CATEGORY_RULES, undefined, (url) => url.replace(`${ROOT}/`, ""));
    expect(result.functions.slice(0, 2)).toEqual([
      { functionName: "writev", location: "", category: "socket-write", samples: 2, us: 3_000 },
      { functionName: "broadcastPatch", location: "rooms/ArenaRoom.ts:193", category: "patch-rest", samples: 1, us: 3_000 },
    ]);
  });
});
