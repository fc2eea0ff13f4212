import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NGINX_CONFIG_PATH, renderNginxConfig, withProcessSlots } from "./support/nginx.ts";

// compose.yaml mounts a rendered copy of the one nginx config (deploy/compose/nginx.conf). It must
// stay exactly what the template renders to, so that the two can never drift apart.
// container.heavy.test.ts runs it; this keeps the copy honest on every run, tools or not.

const COMPOSE_NGINX_PATH = fileURLToPath(new URL("../deploy/compose/nginx.conf", import.meta.url));
const COMPOSE_FILE_PATH = fileURLToPath(new URL("../compose.yaml", import.meta.url));
/** compose.yaml's tmpfs for nginx's pid, temp files and logs. */
const STATE_DIR = "/run/gameserver-nginx";

describe("compose.yaml's nginx config", () => {
  it("is the committed template rendered for three servers game1..game3 on 2567, listening on 8080", async () => {
    const template = await readFile(NGINX_CONFIG_PATH, "utf8");
    const expected = renderNginxConfig(withProcessSlots(template, 3), {
      listen: "8080",
      processes: ["game1:2567", "game2:2567", "game3:2567"],
      stateDir: STATE_DIR,
    });
    const committed = await readFile(COMPOSE_NGINX_PATH, "utf8");
    // On a mismatch: regenerate deploy/compose/nginx.conf from the template with these arguments.
    expect(committed).toBe(expected);
  });

  it("is the file compose.yaml mounts, with the state directory it provides and the port it publishes; each server has its own route and a grace period past its drain", async () => {
    const compose = parse(await readFile(COMPOSE_FILE_PATH, "utf8"), { merge: true }) as ComposeFile;
    const nginx = compose.services.nginx!;
    expect(nginx.volumes).toContain("./deploy/compose/nginx.conf:/etc/nginx/gameserver.conf:ro");
    expect(nginx.tmpfs).toEqual([STATE_DIR]);
    expect(nginx.command?.join(" ")).toContain(`ln -sf /dev/stdout ${STATE_DIR}/gameserver.access.log`);
    expect(nginx.ports).toEqual(["${PUBLIC_PORT:-8080}:8080"]);
    for (const n of [1, 2, 3]) {
      const game = compose.services[`game${n}`]!;
      expect(game.environment.PUBLIC_ADDRESS).toBe(`\${PUBLIC_HOST:-localhost:8080}/p${n}`);
      // The game servers believe X-Forwarded-For from nginx's fixed address only.
      expect(game.environment.TRUSTED_PROXIES).toBe(nginx.networks?.default?.ipv4_address);
      // Defaults of `${VAR:-default}`: the runtime's SIGKILL comes DRAIN_TIMEOUT_S + 15 s after SIGTERM at the earliest.
      const drainS = Number(defaultOf(game.environment.DRAIN_TIMEOUT_S));
      const graceS = Number(defaultOf(game.stop_grace_period).replace(/s$/, ""));
      expect(graceS).toBeGreaterThanOrEqual(drainS + 15);
    }
  });
});

interface ComposeService {
  environment: Record<string, string>;
  stop_grace_period: string;
  volumes?: string[];
  tmpfs?: string[];
  ports?: string[];
  command?: string[];
  networks?: { default?: { ipv4_address?: string } };
}

interface ComposeFile {
  services: Record<string, ComposeService | undefined>;
}

/** The default of a `${VAR:-default}` value (compose interpolates them at `up`), or the value itself. */
function defaultOf(value: string | undefined): string {
  return /^\$\{\w+:-([^}]*)\}$/.exec(value ?? "")?.[1] ?? value ?? "";
}
