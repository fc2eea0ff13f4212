import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build, type Message } from "esbuild";
import type { Application, Response } from "express";
import type { Logger } from "pino";

const CLIENT_DIR = fileURLToPath(new URL("./client/", import.meta.url));
const PROJECT_DIR = fileURLToPath(new URL("../", import.meta.url));

interface Asset {
  contentType: string;
  body: Buffer;
}

/** Files the page loads, by the path they are served at. */
type ClientAssets = Map<string, Asset>;

/**
 * Serves the browser game client: `/` is the page, `/client/*` its script
 * (src/client bundled with the SDK and src/sim by esbuild, in memory) and
 * stylesheet. The bundle is built once, on the first request that needs it
 * (~0.1 s), so a process that never serves the page (tests, load generators,
 * cluster members behind a static host) never pays for it. A build failure
 * is logged once and answered with 500 and the reason; the game server
 * itself keeps running. No source map unless `isSourceMapServed`: a map
 * carries the whole client source (megabytes) and the absolute build paths.
 */
export function mountWebClient(app: Application, log: Logger, { isSourceMapServed = false } = {}): void {
  let assets: Promise<ClientAssets> | undefined;
  const load = (): Promise<ClientAssets> => {
    assets ??= buildClientAssets(isSourceMapServed).then(
      (built) => {
        log.info({ event: "web_client_built", bytes: built.get("/client/app.js")?.body.length }, "web client built");
        return built;
      },
      (error: unknown) => {
        log.error({ event: "web_client_build_failed", err: error }, "web client failed to build");
        throw error;
      },
    );
    return assets;
  };

  const serve = async (path: string, res: Response, next: () => void) => {
    let built: ClientAssets;
    try {
      built = await load();
    } catch (error) {
      res.status(500).type("text/plain").send(`The game client failed to build, so it cannot be served.\n\n${describeBuildError(error)}\n`);
      return;
    }
    const asset = built.get(path);
    if (asset === undefined) {
      next();
      return;
    }
    // Revalidate every load (express adds an ETag): a restarted server may serve a new build.
    res.set("Cache-Control", "no-cache").type(asset.contentType).send(asset.body);
  };

  app.get("/", (_req, res, next) => void serve("/", res, next));
  app.get("/client/:file", (req, res, next) => void serve(`/client/${req.params.file}`, res, next));
}

async function buildClientAssets(isSourceMapServed: boolean): Promise<ClientAssets> {
  const [result, html, css] = await Promise.all([
    build({
      entryPoints: [`${CLIENT_DIR}main.ts`],
      absWorkingDir: PROJECT_DIR,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["es2022"],
      minify: true,
      // "linked" adds the sourceMappingURL comment and emits app.js.map; false emits neither.
      sourcemap: isSourceMapServed ? "linked" : false,
      outdir: "/client",
      entryNames: "app",
      write: false,
      logLevel: "silent",
    }),
    readFile(`${CLIENT_DIR}index.html`),
    readFile(`${CLIENT_DIR}style.css`),
  ]);
  const assets: ClientAssets = new Map([
    ["/", { contentType: "text/html; charset=utf-8", body: html }],
    ["/client/style.css", { contentType: "text/css; charset=utf-8", body: css }],
  ]);
  for (const file of result.outputFiles) {
    const contentType = file.path.endsWith(".map") ? "application/json; charset=utf-8" : "text/javascript; charset=utf-8";
    assets.set(file.path, { contentType, body: Buffer.from(file.contents) });
  }
  if (!assets.has("/client/app.js")) throw new Error("esbuild produced no /client/app.js");
  return assets;
}

/** esbuild's errors carry file:line and text; show the first few. */
function describeBuildError(error: unknown): string {
  const messages = (error as { errors?: Message[] }).errors;
  if (Array.isArray(messages) && messages.length > 0) {
    return messages.slice(0, 5).map((m) => {
      const where = m.location === null ? "" : `${m.location.file}:${m.location.line}:${m.location.column}: `;
      return `${where}${m.text}`;
    }).join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}
