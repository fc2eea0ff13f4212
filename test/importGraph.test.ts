import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { forbiddenImports, importCycles, importSpecifiers, partOf, readImportGraph, stripComments, type ImportGraph } from "./support/importGraph.ts";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("the house's imports (docs/architecture.md#imports)", () => {
  const graph = readImportGraph(REPO_ROOT);

  it("reads the whole tree, type-only imports included", () => {
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    expect(graph.size).toBeGreaterThan(250);
    expect(edges).toBeGreaterThan(500);
    expect(graph.get("src/index.ts")).toContain("src/app.ts");
    // `import type { Logger } ...`-style edges must be seen: monitoring's types come from rooms this way.
    expect(graph.get("rooms/ArenaRoom.ts")).toContain("rooms/settings.ts");
  });

  it("flow one way: no file imports a part above its own", () => {
    expect(forbiddenImports(graph)).toEqual([]);
  });

  it("have no cycles, type-only ones included", () => {
    expect(importCycles(graph)).toEqual([]);
  });
});

describe("the import checker", () => {
  it("finds static, type-only, re-exported and dynamic imports, and none in comments or strings", () => {
    const code = stripComments([
      `import { a, type B } from "./a.ts";`,
      `import type {`,
      `  C,`,
      `} from "./c.ts";`,
      `export * from "./d.ts";`,
      `export { e } from "./e.ts";`,
      `import "./side.ts";`,
      `const f = await import("./f.ts");`,
      `// import x from "./commented.ts";`,
      `/* import y from "./block.ts"; */`,
      `const url = "http://example.com/x"; const s = "import z from './inString.ts'";`,
    ].join("\n"));
    expect(importSpecifiers(code).sort()).toEqual(["./a.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts", "./side.ts"]);
  });

  it("flags an import from a lower part into a higher one, and a Room in a load tool", () => {
    const graph: ImportGraph = new Map([
      ["src/monitoring/processMonitor.ts", ["src/app.ts"]],
      ["rooms/interest.ts", ["src/cluster/placement.ts"]],
      ["src/cluster/placement.ts", ["src/monitoring/metrics.ts"]],
      ["src/client/main.ts", ["rooms/interest.ts", "rooms/schema/ArenaState.ts"]],
      ["loadtest/bot.ts", ["rooms/ArenaRoom.ts", "rooms/schema/ArenaState.ts"]],
      ["src/app.ts", ["src/monitoring/processMonitor.ts", "rooms/ArenaRoom.ts"]],
    ]);
    const problems = forbiddenImports(graph);
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/processMonitor\.ts \(monitoring\) imports src\/app\.ts \(app\)/);
    expect(problems.join("\n")).toMatch(/placement\.ts \(cluster\) imports src\/monitoring\/metrics\.ts \(monitoring\)/);
    expect(problems.join("\n")).toMatch(/\(client\) imports rooms\/interest\.ts/);
    expect(problems.join("\n")).toMatch(/imports the Room rooms\/ArenaRoom\.ts/);
  });

  it("finds a cycle of any length and a file importing itself", () => {
    const graph: ImportGraph = new Map([
      ["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["d"]], ["e", ["a"]],
    ]);
    expect(importCycles(graph)).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("places every kind of file", () => {
    expect(partOf("src/sim/world.ts")).toBe("sim");
    expect(partOf("src/closeCodes.ts")).toBe("leaf");
    expect(partOf("src/app.ts")).toBe("app");
    expect(partOf("rooms/schema/codegen/generate.ts")).toBe("tools");
    expect(partOf("rooms/ArenaRoom.test.ts")).toBe("test");
    expect(() => partOf("deploy/x.ts")).toThrow(/no part/);
  });
});
