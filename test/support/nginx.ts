import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../loadtest/ports.ts";
import { findTool } from "./requireTool.ts";
import { stopWhenDone } from "./teardown.ts";

/** The one committed proxy config; see its header for the marker convention this file applies. */
export const NGINX_CONFIG_PATH = fileURLToPath(new URL("../../deploy/nginx/gameserver.conf", import.meta.url));

const START_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 5_000;

export interface NginxRendering {
  /** Replaces the value of the `# @listen` line, e.g. "127.0.0.1:40123". */
  listen: string;
  /** host:port of process 1, 2, ...; `# @process N` lines beyond these are dropped. */
  processes: string[];
  /** Directory for every `# @state` path (pid, logs, temp files). */
  stateDir: string;
  /**
   * host:port the shared `gameserver` upstream (matchmaking, health, web client) points at instead
   * of every process: a load balancer that follows readiness, such as a Kubernetes Service. The
   * per-process `/pN/` routes still name each process.
   */
  sharedUpstream?: string;
}

/**
 * Renders the committed config by plain text substitution on its marked lines only; every
 * other line is kept byte for byte. Throws when the template cannot express the request
 * (more processes than it lists) or a marker is missing, so a drifting template fails loudly.
 */
export function renderNginxConfig(template: string, { listen, processes, stateDir, sharedUpstream }: NginxRendering): string {
  const listed = new Set<number>();
  let listens = 0;
  const lines: string[] = [];
  for (const line of template.split("\n")) {
    const marker = /#\s*@(listen|process|state)\b\s*(\d+)?\s*$/.exec(line);
    if (marker === null) {
      lines.push(line);
    } else if (marker[1] === "listen") {
      listens++;
      lines.push(line.replace(/\blisten\s+[^;\s]+;/, `listen ${listen};`));
    } else if (marker[1] === "process") {
      const n = Number(marker[2]);
      listed.add(n);
      const address = processes[n - 1];
      // A bare `server` line belongs to the shared upstream; with sharedUpstream it is listed once.
      const isSharedLine = /^\s*server\s/.test(line);
      if (sharedUpstream !== undefined && isSharedLine) {
        if (n === 1) lines.push(line.replace(/\bserver\s+[^;\s]+;/, `server ${sharedUpstream};`));
      } else if (address !== undefined) {
        // A line of an absent process goes entirely: each is self-contained (a server, an upstream or a location).
        lines.push(line.replace(/\bserver\s+[^;\s]+;/, `server ${address};`));
      }
    } else {
      lines.push(line.replace(/(\s)(\/[^;\s]+)/, (_m, space: string, path: string) => `${space}${join(stateDir, basename(path))}`));
    }
  }
  if (listens !== 1) throw new Error(`the nginx config has ${listens} "# @listen" lines, expected 1`);
  if (processes.length === 0) throw new Error("render the nginx config with at least one process");
  for (let n = 1; n <= processes.length; n++) {
    if (!listed.has(n)) throw new Error(`the nginx config lists no "# @process ${n}" lines (it routes ${listed.size} processes)`);
  }
  return lines.join("\n");
}

/**
 * The template with routes for `count` processes, made the way its header tells operators to:
 * each `# @process 2` line is copied and renumbered for processes 3..count. Fewer than the
 * template lists need no slots (renderNginxConfig drops the extra lines).
 */
export function withProcessSlots(template: string, count: number): string {
  const lines: string[] = [];
  for (const line of template.split("\n")) {
    lines.push(line);
    if (!/#\s*@process 2\s*$/.test(line)) continue;
    for (let n = 3; n <= count; n++) lines.push(line.replace(/([_/])p2\b/g, `$1p${n}`).replace(/@process 2\s*$/, `@process ${n}`));
  }
  return lines.join("\n");
}

export interface RunningNginx {
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** ws://127.0.0.1:port */
  wsUrl: string;
  /** The rendered config, logs and temp files; removed by stop(). */
  dir: string;
  configPath: string;
  /** Lines of the access log (combined format: the client address comes first). */
  accessLog(): Promise<string[]>;
  /** Fast shutdown (SIGTERM, then SIGKILL of the whole process group), then removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

function nginxBinary(): string {
  const binary = findTool("nginx");
  if (binary === undefined) throw new Error("nginx is not installed (apt-get install -y nginx); gate the test with requireTool(\"nginx\")");
  return binary;
}

/** `nginx -t` on a config file: its combined output, and whether it passed. */
export function checkNginxConfig(configPath: string): { isOk: boolean; output: string } {
  const result = spawnSync(nginxBinary(), ["-t", "-c", configPath], { encoding: "utf8", timeout: START_DEADLINE_MS });
  return { isOk: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}` };
}

/** Writes a rendered copy of the committed config into a fresh temp directory. */
export async function renderNginxInto(processes: string[], listen: string): Promise<{ dir: string; configPath: string }> {
  const dir = await mkdtemp(join(tmpdir(), "gameserver-nginx-"));
  // nginx's workers run as an unprivileged user when the master is root: they must reach the temp paths.
  await chmod(dir, 0o755);
  const configPath = join(dir, "nginx.conf");
  try {
    await writeFile(configPath, renderNginxConfig(await readFile(NGINX_CONFIG_PATH, "utf8"), { listen, processes, stateDir: dir }));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, configPath };
}

/**
 * Runs the committed config (rendered: listening on a free loopback port, process N at
 * 127.0.0.1:upstreamPorts[N-1], state in a temp dir) in the foreground, and resolves once it
 * accepts connections. Upstreams may start later: nginx answers 502 until they do.
 * Stopped when its owner is done (see stopWhenDone).
 */
export async function startNginx({ upstreamPorts }: { upstreamPorts: number[] }): Promise<RunningNginx> {
  const binary = nginxBinary();
  // The upstreams may not listen yet, so the OS could hand out one of their ports again.
  let port = await freePort();
  while (upstreamPorts.includes(port)) port = await freePort();
  const { dir, configPath } = await renderNginxInto(upstreamPorts.map((p) => `127.0.0.1:${p}`), `127.0.0.1:${port}`);
  let child: ChildProcess | undefined;
  let stderr = "";
  let isStopped = false;

  const stop = async (): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    try {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        const killer = setTimeout(() => killGroup(child!), STOP_DEADLINE_MS);
        await exited;
        clearTimeout(killer);
      }
      // Workers outlive a master killed with SIGKILL: make sure none is left holding the port.
      if (child !== undefined) killGroup(child);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  try {
    const check = checkNginxConfig(configPath);
    if (!check.isOk) throw new Error(`nginx -t refused the rendered config ${configPath}:\n${check.output}`);
    // Its own process group, so stop() can take the workers down with the master.
    child = spawn(binary, ["-c", configPath, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"], detached: true });
    child.stderr!.on("data", (d) => (stderr += d));
    const deadline = Date.now() + START_DEADLINE_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`nginx exited at start (${child.exitCode ?? child.signalCode}): ${stderr}${await readIfAny(join(dir, "gameserver.error.log"))}`);
      }
      // A TCP connect, not a request: a request would reach upstreams that may not be up yet,
      // and nginx would mark them failed (fail_timeout) and answer 502 for a while after.
      if (await isListening(port)) break;
      if (Date.now() > deadline) throw new Error(`nginx did not answer within ${START_DEADLINE_MS} ms: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  stopWhenDone(stop);

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    dir,
    configPath,
    async accessLog() {
      return (await readIfAny(join(dir, "gameserver.access.log"))).split("\n").filter((l) => l !== "");
    },
    stop,
  };
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 1_000 });
    const done = (isUp: boolean) => {
      socket.destroy();
      resolve(isUp);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is gone already
  }
}

async function readIfAny(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}
