import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../src/config.ts";
import { NGINX_CONFIG_PATH, renderNginxConfig, withProcessSlots } from "./support/nginx.ts";
import { requireTool } from "./support/requireTool.ts";

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

// deploy/compose/sentinel.yaml, merged over compose.yaml by compose itself (`config` prints what
// `up` would run): the game servers must accept what they get, and the Sentinels must be able to fail over.
const dockerCompose = requireTool("docker-compose");
const SENTINEL_FILE_PATH = fileURLToPath(new URL("../deploy/compose/sentinel.yaml", import.meta.url));

describe.skipIf(dockerCompose === undefined)("compose.yaml with deploy/compose/sentinel.yaml", () => {
  it("runs three game servers on three Sentinels watching the primary and its replica", () => {
    const merged = spawnSync(dockerCompose!, ["-f", COMPOSE_FILE_PATH, "-f", SENTINEL_FILE_PATH, "config"], { encoding: "utf8", timeout: 20_000 });
    expect(merged.status, merged.stderr).toBe(0);
    const { services } = parse(merged.stdout) as { services: Record<string, { environment?: Record<string, string>; command?: string[] }> };
    const sentinelServices = Object.keys(services).filter((name) => /^sentinel\d+$/.test(name));
    expect(sentinelServices).toHaveLength(3);
    for (const n of [1, 2, 3]) {
      const config = loadConfig(services[`game${n}`]!.environment ?? {});
      if (config.redis?.kind !== "sentinel") throw new Error(`game${n} is not on Sentinel`);
      expect(config.redis.sentinels).toEqual(sentinelServices.map((host) => ({ host, port: 26379 })));
      for (const name of sentinelServices) {
        const script = services[name]!.command!.join(" ");
        const monitor = /'sentinel monitor (\S+) (\S+) (\d+) (\d+)'/.exec(script);
        expect(monitor, `${name}'s monitor line`).not.toBeNull();
        expect(monitor![1]).toBe(config.redis.primaryName);
        expect(services[monitor![2]!], `${name} monitors a service of the file`).toBeDefined();
        expect(Number(monitor![4])).toBeGreaterThan(sentinelServices.length / 2);
        expect(script).toContain("port 26379");
        // Each announces its own service name, which the others and the game servers resolve.
        expect(services[name]!.environment?.SENTINEL_HOST).toBe(name);
      }
    }
    const replica = services["redis-replica"]!.command!.join(" ");
    expect(replica).toContain("--replicaof redis 6379");
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
