import { Client, type Room } from "@colyseus/sdk";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SeatReservation } from "./support/cluster.ts";
import { findTool, requireTool } from "./support/requireTool.ts";
import { freePort } from "../loadtest/ports.ts";

// The repository's Dockerfile and compose.yaml, built and run here with Debian's podman and
// docker-compose. No container registry is reachable, so the images they start FROM are local
// stand-ins: a debootstrap'ed bookworm plus this checkout's Node 24 binary and the host's npm (for
// node:24-bookworm-slim), and the same root plus Debian's redis-server / nginx packages. The
// Dockerfile itself is built unchanged: its `npm ci --omit=dev` stage fetches from the npm registry,
// as it would anywhere. Everything lives in podman storage and config under one temp dir, removed
// at the end, failed or not (docs/deploy.md says what this proves and what it cannot).

const REPO = fileURLToPath(new URL("..", import.meta.url));
/** Short, so that the stop below waits for a whole drain; compose's default is 30. */
const DRAIN_TIMEOUT_S = 4;
// A new name each run: rootful podman keeps its address allocations per network name in one
// host-wide database (/run/containers/networks/ipam.db), which a fixed name would carry across runs.
const PROJECT = `gameservercontainertest${Date.now().toString(36)}`;
const GAME_SERVICES = ["game1", "game2", "game3"] as const;

const IMAGES = {
  debian: "localhost/stand-in/debian:bookworm",
  node: "localhost/stand-in/node:24-bookworm-slim",
  redis: "localhost/stand-in/redis:bookworm",
  nginx: "localhost/stand-in/nginx:bookworm",
  gameserver: "localhost/arena-game-server:container-test",
};

/** The tools this needs (under CI a missing one throws), and root: rootful podman and debootstrap. */
function containerTools(): boolean {
  const tools = [
    requireTool("podman"),
    requireTool("docker-compose"),
    requireTool("debootstrap"),
    requireTool("runc"),
    requireTool("npm", "it comes with Node; the Node 24 stand-in copies it"),
  ];
  if (tools.includes(undefined)) return false;
  if (process.getuid?.() === 0) return true;
  const reason = "building and running containers here needs root (rootful podman, debootstrap)";
  if (process.env.CI === "true") throw new Error(`${reason}: CI runs every test`);
  console.warn(`skipping the container tests: ${reason}`);
  return false;
}
const canRun = containerTools();

interface Output {
  stdout: string;
  stderr: string;
}

/** A command's output; throws naming it (with its stderr) when it fails or outlives `deadlineMs`. */
async function run(command: string, args: string[], { env, deadlineMs, stdin }: { env: NodeJS.ProcessEnv; deadlineMs: number; stdin?: NodeJS.ReadableStream }): Promise<Output> {
  const child = spawn(command, args, { env, stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
  if (stdin !== undefined) stdin.pipe(child.stdin!);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  clearTimeout(killer);
  if (code !== 0) {
    const why = signal === "SIGKILL" ? `was killed after ${deadlineMs} ms` : `failed (${code ?? signal})`;
    throw new Error(`${command} ${args.join(" ")} ${why}:\n${stderr.slice(-4000)}${stdout.slice(-2000)}`);
  }
  return { stdout, stderr };
}

/** The Debian mirror apt uses here (deb822 .sources or one-line .list entries for bookworm). */
async function debianMirror(): Promise<string> {
  const files = ["/etc/apt/sources.list"];
  for (const name of await readdir("/etc/apt/sources.list.d").catch(() => [])) {
    if (name.endsWith(".list") || name.endsWith(".sources")) files.push(join("/etc/apt/sources.list.d", name));
  }
  for (const file of files) {
    const text = await readFile(file, "utf8").catch(() => "");
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "mi").exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (field("Types").includes("deb") && field("Suites").includes("bookworm") && field("URIs")[0] !== undefined) return field("URIs")[0]!;
    }
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (line !== null) return line[1]!;
  }
  return "http://deb.debian.org/debian";
}

/** The directory of the npm package behind the `npm` command (a symlink to npm/bin/npm-cli.js). */
async function npmPackageDir(): Promise<string> {
  const dir = dirname(dirname(await realpath(findTool("npm")!)));
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { name?: string };
  if (manifest.name !== "npm") throw new Error(`expected the npm package at ${dir}`);
  return dir;
}

// What the official node image has that the Dockerfile relies on: node and npm under /usr/local,
// the unprivileged `node` user (uid 1000), and its entrypoint, which execs the command (so that
// node, not a shell, is PID 1).
const NODE_STAND_IN = `FROM ${IMAGES.debian}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
`;
const NODE_ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "\${1}" ] || [ -z "$(command -v "\${1}")" ] || { [ -f "\${1}" ] && ! [ -x "\${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
`;
/** Run in the image: what /app holds (top-level packages by name) and any test file copied in. */
const IMAGE_LISTING = `
import { readdirSync } from "node:fs";
const scoped = (name) => name.startsWith("@") ? readdirSync("node_modules/" + name).map((sub) => name + "/" + sub) : [name];
console.log(JSON.stringify({
  version: process.version,
  app: readdirSync("."),
  packages: readdirSync("node_modules").filter((name) => !name.startsWith(".")).flatMap(scoped),
  tests: ["src", "rooms"].flatMap((dir) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".test.ts"))),
}));
`;
// Debian's packages in place of the official redis and nginx images (nginx's stops gracefully, like theirs).
const REDIS_STAND_IN = `FROM ${IMAGES.debian}
RUN apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
CMD ["redis-server"]
`;
const NGINX_STAND_IN = `FROM ${IMAGES.debian}
RUN apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`;

describe.skipIf(!canRun)("the Dockerfile and compose.yaml, built and run with podman", () => {
  let dir = "";
  /** Environment of every podman call: storage, networks and runtime config under `dir`. */
  let podmanEnv: NodeJS.ProcessEnv = {};
  /** Environment of every docker-compose call: only what this test sets, so nothing leaks in. */
  let composeEnv: NodeJS.ProcessEnv = {};
  let composeArgs: string[] = [];
  let service: ReturnType<typeof spawn> | undefined;
  let isComposeUp = false;
  /** netavark's per-network NAT chains before compose created its network, and that network's bridge. */
  let natChainsBefore: Set<string> | undefined;
  let bridge = "";
  let publicHost = "";
  let baseUrl = "";
  const rooms: Room[] = [];
  /** Container id of each compose service. */
  const containers = new Map<string, string>();
  /** processId of game1..game3, in that order (from their own /pN/healthz). */
  const processIds: string[] = [];

  const podman = (args: string[], deadlineMs = 60_000, stdin?: NodeJS.ReadableStream) => run("podman", args, { env: podmanEnv, deadlineMs, stdin });
  const compose = (args: string[], deadlineMs = 120_000) => run("docker-compose", [...composeArgs, ...args], { env: composeEnv, deadlineMs });
  const inspect = async (id: string, format: string) => (await podman(["inspect", "--format", format, id])).stdout.trim();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gameserver-container-"));
    await chmod(dir, 0o755);
    const config = join(dir, "podman");
    await mkdir(join(config, "networks"), { recursive: true });
    // runc: crun fails on this host's cgroups. The ulimits fit under the host's hard limit.
    await writeFile(join(config, "containers.conf"), [
      "[containers]",
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      "[network]",
      `network_config_dir = "${join(config, "networks")}"`,
      "[engine]",
      'runtime = "runc"',
      `tmp_dir = "${join(config, "tmp")}"`,
      "",
    ].join("\n"));
    await writeFile(join(config, "storage.conf"), [
      "[storage]",
      'driver = "overlay"',
      `graphroot = "${join(config, "storage")}"`,
      `runroot = "${join(config, "run")}"`,
      "",
    ].join("\n"));
    podmanEnv = { ...process.env, CONTAINERS_CONF: join(config, "containers.conf"), CONTAINERS_STORAGE_CONF: join(config, "storage.conf") };

    // The base: a minimal bookworm (~30 s), imported as an image with its apt lists for the builds below.
    const rootfs = join(dir, "rootfs");
    await run("debootstrap", ["--variant=minbase", "bookworm", rootfs, await debianMirror()], { env: process.env, deadlineMs: 240_000 });
    await rm(join(rootfs, "var/cache/apt/archives"), { recursive: true, force: true });
    await mkdir(join(rootfs, "var/cache/apt/archives/partial"), { recursive: true });
    const tar = spawn("tar", ["-C", rootfs, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const tarDone = once(tar, "close");
    await podman(["import", "--quiet", "-", IMAGES.debian], 120_000, tar.stdout!);
    await tarDone;
    await rm(rootfs, { recursive: true, force: true });

    const nodeContext = join(dir, "node-stand-in");
    await mkdir(nodeContext);
    await copyFile(join(REPO, "node_modules/node/bin/node"), join(nodeContext, "node"));
    await cp(await npmPackageDir(), join(nodeContext, "npm"), { recursive: true });
    await writeFile(join(nodeContext, "docker-entrypoint.sh"), NODE_ENTRYPOINT, { mode: 0o755 });
    await writeFile(join(nodeContext, "Containerfile"), NODE_STAND_IN);
    await writeFile(join(dir, "Containerfile.redis"), REDIS_STAND_IN);
    await writeFile(join(dir, "Containerfile.nginx"), NGINX_STAND_IN);
    const standIn = (file: string, tag: string, context: string) =>
      podman(["build", "--quiet", "--pull=never", "--format", "docker", "-f", file, "-t", tag, context], 240_000);
    await standIn(join(nodeContext, "Containerfile"), IMAGES.node, nodeContext);
    await standIn(join(dir, "Containerfile.redis"), IMAGES.redis, dir);
    await standIn(join(dir, "Containerfile.nginx"), IMAGES.nginx, dir);
    await rm(nodeContext, { recursive: true, force: true });

    // The real Dockerfile, on the Node stand-in. --format docker: OCI images have no HEALTHCHECK.
    // The `npm ci` stage gets the host's CA bundle (build-time mounts only, nothing lands in the
    // image): this machine reaches the registry through a TLS-inspecting proxy; elsewhere the
    // bundle holds just the public roots npm trusts anyway.
    const buildArgs = ["build", "--pull=never", "--format", "docker", "--build-arg", `NODE_IMAGE=${IMAGES.node}`, "-t", IMAGES.gameserver];
    const caBundle = process.env.NODE_EXTRA_CA_CERTS ?? "/etc/ssl/certs/ca-certificates.crt";
    if (await readFile(caBundle).then(() => true, () => false)) {
      await writeFile(join(dir, "npmrc"), "cafile=/run/build-ca.pem\n");
      buildArgs.push("-v", `${caBundle}:/run/build-ca.pem:ro`, "-v", `${join(dir, "npmrc")}:/usr/local/etc/npmrc:ro`);
    }
    await podman([...buildArgs, REPO], 300_000);

    // docker-compose speaks the Docker API: podman serves it on a socket of this test's own.
    const socket = join(dir, "podman.sock");
    service = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], { env: podmanEnv, stdio: ["ignore", "ignore", "pipe"] });
    let serviceErrors = "";
    service.stderr!.on("data", (d) => (serviceErrors += d));
    await vi.waitFor(async () => {
      if (service!.exitCode !== null) throw new Error(`podman system service exited: ${serviceErrors}`);
      expect(await ping(socket)).toBe("OK");
    }, { timeout: 30_000, interval: 200 });

    const port = await freePort();
    publicHost = `127.0.0.1:${port}`;
    baseUrl = `http://${publicHost}`;
    await writeFile(join(dir, "empty.env"), "");
    composeEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOCKER_HOST: `unix://${socket}`,
      GAMESERVER_IMAGE: IMAGES.gameserver,
      REDIS_IMAGE: IMAGES.redis,
      NGINX_IMAGE: IMAGES.nginx,
      PUBLIC_HOST: publicHost,
      PUBLIC_PORT: String(port),
      DRAIN_TIMEOUT_S: String(DRAIN_TIMEOUT_S),
    };
    // A developer's .env must not steer the test: an empty one instead.
    composeArgs = ["--env-file", join(dir, "empty.env"), "-f", join(REPO, "compose.yaml"), "-p", PROJECT];
    natChainsBefore = await netavarkChains();
    isComposeUp = true;
    await compose(["up", "--detach", "--no-build"]);
    bridge = (await podman(["network", "inspect", "--format", "{{.NetworkInterface}}", `${PROJECT}_default`])).stdout.trim();
    for (const name of ["redis", ...GAME_SERVICES, "nginx"]) containers.set(name, (await compose(["ps", "--quiet", name])).stdout.trim());

    // Each server answers on its own route once it is up; nginx routes /pN/ to server N.
    for (const [i] of GAME_SERVICES.entries()) {
      await vi.waitFor(async () => {
        const response = await fetch(`${baseUrl}/p${i + 1}/readyz`, { signal: AbortSignal.timeout(10_000) });
        expect(response.status, await response.text()).toBe(200);
      }, { timeout: 90_000, interval: 250 });
      processIds.push(((await (await fetch(`${baseUrl}/p${i + 1}/healthz`)).json()) as { processId: string }).processId);
    }
  }, 480_000);

  afterAll(async () => {
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    };
    await Promise.all(rooms.map((r) => (r.connection.isOpen ? r.leave().catch(() => undefined) : undefined)));
    if (isComposeUp) await attempt(() => compose(["down", "--volumes", "--remove-orphans", "--timeout", "2"]));
    if (service !== undefined && service.exitCode === null) {
      const exited = once(service, "exit");
      service.kill("SIGTERM");
      const killer = setTimeout(() => service!.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
    if (podmanEnv.CONTAINERS_CONF !== undefined) {
      if (bridge === "" && natChainsBefore !== undefined) {
        await attempt(async () => (bridge = (await podman(["network", "inspect", "--format", "{{.NetworkInterface}}", `${PROJECT}_default`])).stdout.trim()));
      }
      // Whatever compose left (a failed start, say), then the images: all of it in this test's storage.
      await attempt(() => podman(["rm", "--all", "--force", "--time", "0"]));
      await attempt(() => podman(["network", "prune", "--force"]));
      await attempt(() => podman(["rmi", "--all", "--force"]));
    }
    if (natChainsBefore !== undefined) await attempt(() => removeNetavarkLeftovers(natChainsBefore!, bridge));
    // debootstrap (when it fails) and podman (when it is killed) can leave mounts behind.
    if (dir !== "") await attempt(unmountUnder(dir));
    if (dir !== "") await attempt(() => rm(dir, { recursive: true, force: true }));
    if (failures.length > 0) throw new AggregateError(failures, "container test clean-up failed");
  }, 180_000);

  it("builds an image that runs node as an unprivileged user, with its healthcheck and production dependencies only", { timeout: 60_000 }, async () => {
    const [inspected] = JSON.parse((await podman(["image", "inspect", IMAGES.gameserver])).stdout) as {
      Config: { Cmd: string[]; User: string; Env: string[]; ExposedPorts: Record<string, unknown> };
      Healthcheck?: { Test: string[] };
    }[];
    const image = inspected!.Config;
    expect(image.Cmd).toEqual(["node", "src/index.ts"]);
    expect(image.User).toBe("1000:1000");
    expect(image.Env).toEqual(expect.arrayContaining(["NODE_ENV=production", "HOST=0.0.0.0", "PORT=2567"]));
    expect(Object.keys(image.ExposedPorts)).toEqual(["2567/tcp"]);
    // Docker's image format keeps it (an OCI image would have dropped it).
    expect(inspected!.Healthcheck?.Test[0]).toBe("CMD");
    expect(inspected!.Healthcheck?.Test.join(" ")).toContain("/livez");

    // No devDependency (the `node` binary package, the test tooling), the runtime ones present,
    // no tests or local state copied in; Node 24 is the base image's.
    const listing = JSON.parse((await podman(["run", "--rm", IMAGES.gameserver, "node", "--input-type=module", "-e", IMAGE_LISTING])).stdout) as {
      version: string; app: string[]; packages: string[]; tests: string[];
    };
    expect(listing.version).toMatch(/^v24\./);
    expect(listing.app.sort()).toEqual(["node_modules", "package.json", "rooms", "src", "tsconfig.json"]);
    expect(listing.packages).toEqual(expect.arrayContaining(["esbuild", "express", "ioredis", "@colyseus/core", "@colyseus/ws-transport"]));
    for (const devOnly of ["node", "vitest", "@colyseus/testing", "playwright-core", "pm2", "kubernetes-models", "socket.io"]) {
      expect(listing.packages, `${devOnly} is in the image`).not.toContain(devOnly);
    }
    expect(listing.tests).toEqual([]);
  });

  it("runs the compose cluster: a room on each of the three servers, joined through nginx", { timeout: 120_000 }, async () => {
    expect(new Set(processIds).size).toBe(3);
    // Placement spreads new rooms over the servers; a few creates reach all three.
    const reservations: SeatReservation[] = [];
    for (let i = 0; i < 9 && new Set(reservations.map((r) => r.processId)).size < 3; i++) {
      const response = await fetch(`${baseUrl}/matchmake/create/arena`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ name: `c${i}`, mode: `compose-${i}` }),
      });
      const reservation = (await response.json()) as SeatReservation;
      expect(response.status, JSON.stringify(reservation)).toBe(200);
      reservations.push(reservation);
      // Each seat taken over the reservation's own address: through nginx's /pN/ route, to its owner.
      rooms.push(await new Client(baseUrl).consumeSeatReservation(reservation as never));
    }
    for (const [i, processId] of processIds.entries()) {
      const onIt = reservations.find((r) => r.processId === processId);
      expect(onIt, `no room landed on game${i + 1} (${processId}) in ${reservations.length} creates`).toBeDefined();
      expect(onIt!.publicAddress).toBe(`${publicHost}/p${i + 1}`);
    }
    // The WebSockets carry the game: every room's tick advances.
    const tickOf = (room: Room) => (room.state as { tick?: number }).tick;
    await vi.waitFor(() => rooms.forEach((room) => expect(tickOf(room)).toBeTypeOf("number")), { timeout: 20_000 });
    const before = rooms.map((room) => tickOf(room)!);
    await vi.waitFor(() => rooms.forEach((room, i) => expect(tickOf(room)!).toBeGreaterThan(before[i]!)), { timeout: 20_000 });

    for (const [i] of GAME_SERVICES.entries()) {
      const health = (await (await fetch(`${baseUrl}/p${i + 1}/healthz`)).json()) as { redis: string; rooms: number; pid: number };
      expect(health).toMatchObject({ redis: "ok", pid: 1 });
      expect(health.rooms).toBeGreaterThanOrEqual(1);
    }
    // The web client is bundled by esbuild inside the image, on the first request.
    const script = await fetch(`${baseUrl}/client/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it("wires the services as compose.yaml says: own addresses, nginx trusted by address, grace period, PID 1, healthcheck", { timeout: 60_000 }, async () => {
    const nginxAddress = await inspect(containers.get("nginx")!, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
    expect(nginxAddress).toBe("10.201.12.10");
    for (const [i, name] of GAME_SERVICES.entries()) {
      const id = containers.get(name)!;
      // The others' addresses come from the network's upper half, so none can ever take nginx's.
      const address = await inspect(id, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
      expect(Number(address.split(".")[3])).toBeGreaterThanOrEqual(128);
      const env = JSON.parse(await inspect(id, "{{json .Config.Env}}")) as string[];
      expect(env).toEqual(expect.arrayContaining([
        `PUBLIC_ADDRESS=${publicHost}/p${i + 1}`,
        `TRUSTED_PROXIES=${nginxAddress}`,
        "REDIS_URL=redis://redis:6379",
        `DRAIN_TIMEOUT_S=${DRAIN_TIMEOUT_S}`,
      ]));
      // compose's stop_grace_period: room for the default 30 s drain plus 15 s.
      expect(Number(await inspect(id, "{{.Config.StopTimeout}}"))).toBeGreaterThanOrEqual(30 + 15);
      // PID 1 is node itself (the entrypoint exec'd it), and not root.
      const status = (await podman(["exec", id, "cat", "/proc/1/cmdline", "/proc/1/status"])).stdout;
      expect(status.split("\0").slice(0, 2)).toEqual(["node", "src/index.ts"]);
      expect(status).toMatch(/^Uid:\s+1000\s/m);

      // Podman schedules healthchecks with systemd timers, which this host lacks: run it by hand.
      await podman(["healthcheck", "run", id]);
      expect(await inspect(id, "{{.State.Health.Status}}")).toBe("healthy");
      expect(await (await fetch(`${baseUrl}/p${i + 1}/livez`)).json()).toEqual({ status: "ok" });
    }
  });

  it("stops the game servers: each drains to its end (players get 4001), then exits 0", { timeout: 180_000 }, async () => {
    expect(rooms.length).toBeGreaterThanOrEqual(3);
    const closeCodes = rooms.map((room) => new Promise<number>((resolve) => room.onLeave((code) => resolve(code))));
    // nginx stays up (compose would stop it first on `down`): the players' sockets run through it.
    await compose(["stop", ...GAME_SERVICES]);
    expect(await Promise.all(closeCodes)).toEqual(rooms.map(() => 4001));

    for (const name of GAME_SERVICES) {
      const id = containers.get(name)!;
      // Exit 0 by itself: a runtime's SIGKILL at the end of the grace period would show as 137.
      expect(await inspect(id, "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}")).toBe("exited 0 false");
      const logged = (await podman(["logs", id])).stdout.split("\n").flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
      expect(logged.find((l) => l.event === "shutdown")).toMatchObject({ signal: "SIGTERM" });
      expect(logged.find((l) => l.event === "drain_started")).toMatchObject({ drainTimeoutS: DRAIN_TIMEOUT_S });
      // Its rooms were still occupied: only the drain timeout ended them.
      expect((logged.find((l) => l.event === "drain_finished")?.roomsClosed as number | undefined) ?? 0).toBeGreaterThanOrEqual(1);
    }
    expect(await inspect(containers.get("nginx")!, "{{.State.Status}}")).toBe("running");

    await compose(["down", "--volumes"]);
    isComposeUp = false;
    expect((await podman(["ps", "--all", "--quiet"])).stdout.trim()).toBe("");
    expect((await podman(["network", "ls", "--quiet", "--filter", `name=${PROJECT}`])).stdout.trim()).toBe("");
  });
});

/** GET /_ping on the Docker API socket: "OK" once the service answers. */
function ping(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: "/_ping", timeout: 2_000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Lazily unmounts anything podman left mounted under `root` (deepest first), so that it can be removed. */
function unmountUnder(root: string): () => Promise<void> {
  return async () => {
    const mounts = (await readFile("/proc/self/mountinfo", "utf8")).split("\n")
      .map((line) => line.split(" ")[4] ?? "")
      .filter((point) => point.startsWith(`${root}/`))
      .sort((a, b) => b.length - a.length);
    for (const point of mounts) await run("umount", ["--lazy", point], { env: process.env, deadlineMs: 10_000 });
  };
}

/** netavark's per-network port-forwarding chains (NETAVARK-DN-*) in the nat table; empty without iptables. */
async function netavarkChains(): Promise<Set<string>> {
  if (findTool("iptables") === undefined) return new Set();
  const rules = (await run("iptables", ["-t", "nat", "-S"], { env: process.env, deadlineMs: 10_000 })).stdout;
  return new Set([...rules.matchAll(/^-N (NETAVARK-DN-\S+)$/gm)].map((m) => m[1]!));
}

/**
 * netavark 1.4 leaves two things behind when a network goes: its empty port-forwarding chain and
 * the inter-network isolation rules naming its bridge. Removes those of this test's network only
 * (its shared base chains stay, as netavark intends).
 */
async function removeNetavarkLeftovers(before: Set<string>, bridge: string): Promise<void> {
  if (findTool("iptables") === undefined) return;
  const iptables = (args: string[]) => run("iptables", args, { env: process.env, deadlineMs: 10_000 });
  for (const chain of await netavarkChains()) {
    if (before.has(chain)) continue;
    await iptables(["-t", "nat", "-F", chain]);
    await iptables(["-t", "nat", "-X", chain]);
  }
  if (bridge === "") return;
  const rules = (await iptables(["-S"])).stdout.split("\n");
  for (const rule of rules.filter((r) => /^-A NETAVARK_ISOLATION_\d /.test(r) && r.split(" ").includes(bridge))) {
    await iptables(["-D", ...rule.slice(3).split(" ")]);
  }
}
