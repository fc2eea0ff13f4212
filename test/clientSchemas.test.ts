import { Decoder, Encoder, StateView } from "@colyseus/schema";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArenaState, OWNER_VIEW_TAG, Player, Projectile } from "../rooms/schema/ArenaState.ts";

// rooms/schema/clients/ is what Unity, Defold, Haxe and TypeScript clients decode the state with.
// Nothing in the server reads it, so only this test notices when ArenaState.ts moves on without it.

const CODEGEN_DIR = fileURLToPath(new URL("../rooms/schema/codegen/", import.meta.url));
const GENERATOR = join(CODEGEN_DIR, "generate.ts");
const CLIENTS_DIR = fileURLToPath(new URL("../rooms/schema/clients/", import.meta.url));
/** The clients directory's own file, written by hand: everything else in it is generated. */
const CLIENTS_README = "README.md";
/** The SDKs the issue promises schemas for. */
const LANGUAGES = ["csharp", "haxe", "lua", "typescript"];
const FIX = "run `npm run schemas` and commit rooms/schema/clients/";
const GENERATE_DEADLINE_MS = 20_000;
const run = promisify(execFile);

// npm test installs the codegen's TypeScript 6 (npm ci --prefix rooms/schema/codegen); a bare
// `vitest run` may not have. CI must not pass by skipping.
const isCodegenInstalled = existsSync(join(CODEGEN_DIR, "node_modules", "typescript"));
if (!isCodegenInstalled) {
  const reason = "the schema codegen's TypeScript 6 is not installed (npm ci --prefix rooms/schema/codegen)";
  if (process.env.CI === "true") throw new Error(`${reason}: CI runs every test, so it is required`);
  console.warn(`skipping the client schema check: ${reason}`);
}

/** The part of TypeScript 6's compiler API used here (the app's TypeScript 7 has no such API, nor its types). */
interface Transpiler {
  ScriptTarget: { ES2022: number };
  ModuleKind: { ESNext: number };
  transpileModule(source: string, options: { compilerOptions: Record<string, unknown> }): { outputText: string };
}

/**
 * Compiles the generated TypeScript schema the way a client's bundler would (legacy decorators) into
 * `outDir`, importing the app's own @colyseus/schema, and loads its ArenaState class.
 */
async function loadGeneratedArenaState(outDir: string): Promise<new () => object> {
  const ts = createRequire(join(CODEGEN_DIR, "package.json"))("typescript") as Transpiler;
  const sourceDir = join(CLIENTS_DIR, "typescript");
  for (const file of await readdir(sourceDir)) {
    const { outputText } = ts.transpileModule(await readFile(join(sourceDir, file), "utf8"), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true, useDefineForClassFields: false },
    });
    const js = outputText
      .replaceAll("'@colyseus/schema'", `'${import.meta.resolve("@colyseus/schema")}'`)
      .replace(/from '\.\/(\w+)'/g, "from './$1.mjs'");
    await writeFile(join(outDir, file.replace(/\.ts$/, ".mjs")), js);
  }
  const module = (await import(pathToFileURL(join(outDir, "ArenaState.mjs")).href)) as { ArenaState: new () => object };
  return module.ArenaState;
}

/** Every file under `dir`, as paths relative to `root`, sorted. */
async function filesUnder(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path, root) : [relative(root, path)];
  }));
  return nested.flat().sort();
}

describe.skipIf(!isCodegenInstalled)("committed client schemas", () => {
  let freshDir: string;

  beforeAll(async () => {
    freshDir = await mkdtemp(join(tmpdir(), "client-schemas-"));
    await run(process.execPath, [GENERATOR, "--output", freshDir], { timeout: GENERATE_DEADLINE_MS, killSignal: "SIGKILL" });
  });

  afterAll(async () => {
    await rm(freshDir, { recursive: true, force: true });
  });

  it("are generated for every promised language", async () => {
    expect((await readdir(freshDir)).sort()).toEqual(expect.arrayContaining(LANGUAGES));
    for (const language of LANGUAGES) expect(await readdir(join(freshDir, language)), language).not.toEqual([]);
  });

  it("are the files a fresh run writes, no more and no fewer", async () => {
    const committed = (await filesUnder(CLIENTS_DIR)).filter((file) => file !== CLIENTS_README);
    expect(committed, `rooms/schema/clients/ differs from a fresh run: ${FIX}`).toEqual(await filesUnder(freshDir));
  });

  it("are byte for byte what a fresh run writes", async () => {
    const stale: string[] = [];
    for (const file of await filesUnder(freshDir)) {
      const committedPath = join(CLIENTS_DIR, file);
      if (!existsSync(committedPath)) continue; // reported as missing by the test above
      const [committed, fresh] = await Promise.all([readFile(committedPath), readFile(join(freshDir, file))]);
      if (!committed.equals(fresh)) stale.push(`rooms/schema/clients/${file}`);
    }
    expect(stale, `stale client schemas: ${FIX}`).toEqual([]);
  });
});

describe.skipIf(!isCodegenInstalled)("the generated TypeScript schema", () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "client-schemas-ts-"));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it("decodes a full state the server encodes exactly as the server's own schema does", async () => {
    const GeneratedArenaState = await loadGeneratedArenaState(outDir);
    const state = new ArenaState();
    state.tick = 123_456;
    // Every field off its default, owner-only ones included, so a field the codegen dropped or mistyped shows.
    const mine = new Player({
      name: "me", playerId: "p-1", x: 1234, y: 65_000, aim: 2.5, hp: 42, score: 7, isAlive: false, killedBy: "k", isConnected: false, vx: -300, vy: 299,
    });
    const shot = new Projectile({ ownerId: "me", originX: 10, originY: 20, vx: -1000, vy: 1000, spawnTick: 123_400 });
    state.players.set("me", mine);
    state.projectiles.set("1", shot);
    const encoder = new Encoder(state);
    const view = new StateView();
    view.add(mine, OWNER_VIEW_TAG);
    view.add(shot);
    const cursor = { offset: 0 };
    encoder.encodeAll(cursor);
    const bytes = encoder.encodeAllView(view, cursor.offset, cursor).slice();

    const server = new Decoder(new ArenaState());
    server.decode(bytes);
    // Typed as the server's class only to read it back: it is the generated one that decodes.
    const generated = new Decoder(new GeneratedArenaState() as ArenaState);
    generated.decode(bytes);
    expect(server.state.players.get("me")?.vx).toBe(-300);
    expect(generated.state.toJSON()).toEqual(server.state.toJSON());
  });
});
