import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** Repository-relative path (forward slashes) -> the repository files it imports, type-only imports included. */
export type ImportGraph = Map<string, string[]>;

/** Folders whose .ts/.js files make up the project's code; generated and installed code is left out. */
const ROOTS = ["src", "rooms", "loadtest", "test"];
const SKIPPED = ["node_modules", "rooms/schema/clients"];

/**
 * The project's import graph, read from the sources as text (TypeScript 7 ships no compiler API to
 * ask). Static imports and re-exports, `import type`, and `import("...")` all count; package imports
 * and paths that name no file (a `new URL(...)` spawn target is not an import) do not.
 */
export function readImportGraph(repoRoot: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of ROOTS.flatMap((root) => sourceFiles(repoRoot, root))) {
    const text = stripComments(readFileSync(join(repoRoot, file), "utf8"));
    const targets = new Set<string>();
    for (const specifier of importSpecifiers(text)) {
      if (!specifier.startsWith(".")) continue;
      const target = resolve(repoRoot, dirname(file), specifier);
      if (!existsSync(target)) throw new Error(`${file} imports ${specifier}, which is not a file`);
      targets.add(toRepoPath(repoRoot, target));
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

function sourceFiles(repoRoot: string, dir: string): string[] {
  if (SKIPPED.some((skipped) => dir === skipped || dir.endsWith(`/${skipped}`))) return [];
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(repoRoot, path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function toRepoPath(repoRoot: string, absolute: string): string {
  return relative(repoRoot, absolute).split(sep).join("/");
}

const STATIC_IMPORT = /(?:^|[;\n}])\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s*)?["']([^"'\n]+)["']/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** Every module specifier in `code` (comments already removed). */
export function importSpecifiers(code: string): string[] {
  return [...code.matchAll(STATIC_IMPORT), ...code.matchAll(DYNAMIC_IMPORT)].map((match) => match[1]!);
}

/**
 * `code` without its comments, and with every template literal's text blanked (no import specifier is
 * one, and code quoted in a template is not an import). Quoted strings stay whole: a URL's `//` is
 * not a comment.
 */
export function stripComments(code: string): string {
  let out = "";
  let i = 0;
  while (i < code.length) {
    const ch = code[i]!;
    const next = code[i + 1];
    if (ch === "/" && next === "/") {
      while (i < code.length && code[i] !== "\n") i++;
    } else if (ch === "/" && next === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end === -1 ? code.length : end + 2;
    } else if (ch === "\"" || ch === "'" || ch === "`") {
      let j = i + 1;
      while (j < code.length && code[j] !== ch) j += code[j] === "\\" ? 2 : 1;
      out += ch === "`" ? `\`${" ".repeat(Math.max(0, j - i - 1))}\`` : code.slice(i, j + 1);
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** The parts of the house, lowest first; a file belongs to the first part whose test matches. */
export type Part =
  | "test" | "sim" | "leaf" | "rooms" | "http" | "cluster" | "monitoring" | "agones" | "app" | "entry"
  | "client" | "panel" | "loadtools" | "tools";

const APP_FILES = new Set(["src/app.ts", "src/listen.ts", "src/webClient.ts", "src/colyseusLogger.ts"]);
const ENTRY_FILES = new Set(["src/index.ts", "src/tokenCommand.ts", "src/vectorsCommand.ts"]);

export function partOf(file: string): Part {
  if (file.startsWith("test/") || file.endsWith(".test.ts")) return "test";
  if (file.startsWith("src/sim/")) return "sim";
  if (file.startsWith("src/client/")) return "client";
  if (file.startsWith("src/monitoring/panel/")) return "panel";
  if (file.startsWith("src/http/")) return "http";
  if (file.startsWith("src/cluster/")) return "cluster";
  if (file.startsWith("src/monitoring/")) return "monitoring";
  if (file.startsWith("src/agones/")) return "agones";
  if (file.startsWith("rooms/schema/codegen/")) return "tools";
  if (file.startsWith("rooms/")) return "rooms";
  if (file.startsWith("loadtest/")) return "loadtools";
  if (APP_FILES.has(file)) return "app";
  if (ENTRY_FILES.has(file)) return "entry";
  if (file.startsWith("src/")) return "leaf";
  throw new Error(`${file} belongs to no part of the house`);
}

const SERVER_BELOW_APP: Part[] = ["sim", "leaf", "rooms", "http"];

/**
 * Which parts each part may import (its own part always). Tests may import anything and nothing
 * imports them. cluster, monitoring and agones are peers: each learns about the others only through
 * what src/app.ts wires in. The browser client and the panel run in a browser and share the server's
 * code only where it is pure (see also CLIENT_ROOMS_FILES).
 */
const ALLOWED_IMPORTS: Record<Exclude<Part, "test">, Part[]> = {
  sim: [],
  leaf: ["sim"],
  rooms: ["sim", "leaf"],
  http: ["sim", "leaf", "rooms"],
  cluster: SERVER_BELOW_APP,
  monitoring: SERVER_BELOW_APP,
  agones: SERVER_BELOW_APP,
  app: [...SERVER_BELOW_APP, "cluster", "monitoring", "agones"],
  entry: [...SERVER_BELOW_APP, "cluster", "monitoring", "agones", "app"],
  client: ["sim", "leaf", "rooms"],
  panel: [],
  // Load tools and the schema codegen are entry points of their own: they may build on anything
  // but a test. They may not import a Room (FORBIDDEN_FILES): bots talk to a server like any client.
  loadtools: ["sim", "leaf", "rooms", "http", "cluster", "monitoring", "agones", "app", "client"],
  tools: ["sim", "leaf", "rooms"],
};

/** Of rooms/, the browser client may import only the wire contract: the schema and the message catalogue. */
const CLIENT_ROOMS_FILES = /^rooms\/(schema\/[^/]+\.ts|messages\.ts)$/;
const ROOM_CLASS_FILES = /^rooms\/[A-Z]\w*Room\.ts$/;

/** One import that breaks the rule, as a line a reader can act on. */
export function forbiddenImports(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    const from = partOf(file);
    if (from === "test") continue;
    for (const target of targets) {
      const to = partOf(target);
      if (to === "test") {
        problems.push(`${file} (${from}) imports the test file ${target}`);
      } else if (to !== from && !ALLOWED_IMPORTS[from].includes(to)) {
        problems.push(`${file} (${from}) imports ${target} (${to}): ${from} may import only ${[from, ...ALLOWED_IMPORTS[from]].join(", ")}`);
      } else if (from === "client" && to === "rooms" && !CLIENT_ROOMS_FILES.test(target)) {
        problems.push(`${file} (client) imports ${target}: of rooms/, the browser client may import only rooms/schema/ and rooms/messages.ts`);
      } else if (from === "loadtools" && ROOM_CLASS_FILES.test(target)) {
        problems.push(`${file} (loadtools) imports the Room ${target}: load tools talk to a server like any client`);
      }
    }
  }
  return problems;
}

/** Every import cycle (strongly connected component of two or more files, or a file importing itself). */
export function importCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a deep chain cannot overflow the stack.
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { file: string; next: number }[] = [{ file: start, next: 0 }];
    index.set(start, counter);
    lowLink.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = graph.get(frame.file) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.file, Math.min(lowLink.get(frame.file)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) lowLink.set(parent.file, Math.min(lowLink.get(parent.file)!, lowLink.get(frame.file)!));
      if (lowLink.get(frame.file) !== index.get(frame.file)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.file);
      if (component.length > 1 || targets.includes(frame.file)) cycles.push(component.sort());
    }
  }
  return cycles;
}
