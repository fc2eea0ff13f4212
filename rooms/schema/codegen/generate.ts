/**
 * `npm run schemas [-- --output DIR]`
 * Generates the client schemas of rooms/schema/ArenaState.ts for the other SDKs, one directory per
 * language. It runs the app's own @colyseus/schema codegen (a second copy could write schemas for
 * another wire format than the server speaks) on this package's TypeScript 6: the codegen parses the
 * schema with the TypeScript compiler API, which the app's TypeScript 7 no longer has.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire, registerHooks } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseCommandLine } from "../../../src/commandLine.ts";

const TOOLS_DIR = fileURLToPath(new URL(".", import.meta.url));
const SCHEMA_FILE = fileURLToPath(new URL("../ArenaState.ts", import.meta.url));
const CLIENTS_DIR = fileURLToPath(new URL("../clients/", import.meta.url));

/** Output directory per language, and the codegen's flags for it. */
const TARGETS: ReadonlyArray<{ dir: string; flags: string[] }> = [
  // Unity projects share one global namespace: keep the classes out of it.
  { dir: "csharp", flags: ["--csharp", "--namespace", "ArenaGame.Schema"] },
  { dir: "lua", flags: ["--lua"] },
  { dir: "haxe", flags: ["--haxe"] },
  { dir: "typescript", flags: ["--ts"] },
];

const USAGE = `usage: npm run schemas [-- --output DIR]

Generates the client schemas of rooms/schema/ArenaState.ts with @colyseus/schema's codegen, one
directory per language (${TARGETS.map((t) => t.dir).join(", ")}). Each directory is replaced
whole, so a class removed from the schema leaves no file behind. Commit the result:
test/clientSchemas.test.ts fails while the committed files differ from a fresh run.

  --output DIR   where to write the language directories (default: rooms/schema/clients)

npm run schemas first installs this tool's TypeScript 6 when it is missing (npm ci --prefix rooms/schema/codegen).
Exit code 2 on a bad argument, 1 when the codegen fails.`;

const args = parseCommandLine({ name: "schemas", usage: USAGE, options: { output: { type: "string" } } });

// Found by path, not by name: from here, a missing install would resolve the app's TypeScript 7.
const toolsTypeScript = join(TOOLS_DIR, "node_modules", "typescript", "lib", "typescript.js");
if (!existsSync(toolsTypeScript)) {
  console.error(`schemas: TypeScript 6 is not installed in ${TOOLS_DIR}: run npm ci --prefix rooms/schema/codegen`);
  process.exit(1);
}

// Only the codegen imports "typescript" in this process: send it to TypeScript 6.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === "typescript") return { url: pathToFileURL(toolsTypeScript).href, format: "commonjs", shortCircuit: true };
    return nextResolve(specifier, context);
  },
});

// This package installs no @colyseus/schema, so resolving from here finds the app's.
const require = createRequire(import.meta.url);
const codegenCli = join(dirname(require.resolve("@colyseus/schema")), "codegen", "cli.cjs");

const outputRoot = resolve(args.output ?? CLIENTS_DIR);
for (const target of TARGETS) {
  const outputDir = join(outputRoot, target.dir);
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  // The package ships its codegen only as the CLI bundle, which reads process.argv when it is
  // evaluated and exports nothing: each language is one fresh evaluation. It exits 1 on an error.
  process.argv = [process.execPath, codegenCli, SCHEMA_FILE, "--output", outputDir, ...target.flags];
  delete require.cache[codegenCli];
  require(codegenCli);
}
