import { execFile, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";

/**
 * Private "hosts" on one machine: a network namespace per host, each with one veth link (`eth0`
 * inside it) to a bridge that lives in a namespace of its own. Nothing is created in the caller's
 * namespace, so the addresses never leak out of the test and parallel runs cannot clash (every
 * name carries the creating process's pid and a random tag). Needs root and `ip` (iproute2).
 */

/** Every namespace this module creates is named `gsnet-<pid>-<tag>-<host>`. */
const NAME_PREFIX = "gsnet";
const BRIDGE = "br0";
const IP_TIMEOUT_MS = 10_000;
const EXIT_DEADLINE_MS = 5_000;

export interface NetHost {
  name: string;
  /** The namespace's name (for `ip netns exec`). */
  ns: string;
  /** Its address on the private bridge. */
  ip: string;
}

export interface Network {
  hosts: ReadonlyMap<string, NetHost>;
  host(name: string): NetHost;
  /** Runs `command` inside the host's namespace (its own process group); destroy() kills it if still running. */
  spawn(host: string, command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Runs a short command inside the host's namespace and collects its output (killed at the deadline). */
  exec(host: string, command: string, args: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /**
   * Cuts (false) or restores (true) the host's cable: its veth end on the bridge goes down, so
   * the host sees its carrier drop. Sockets stay open on both sides; packets are simply lost.
   */
  setLink(host: string, isUp: boolean): Promise<void>;
  /** Kills every process started in the namespaces and deletes them (links and bridge go with them). Idempotent. */
  destroy(): Promise<void>;
}

function ip(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("ip", args, { timeout: IP_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`ip ${args.join(" ")}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** Pids of every process whose network namespace is `ns`. */
async function pidsIn(ns: string): Promise<number[]> {
  const out = await ip(["netns", "pids", ns]).catch(() => "");
  return out.split("\n").filter((l) => l.trim() !== "").map(Number);
}

/** Kills whatever still runs in `ns`, waits (bounded) until nothing does, then deletes it. */
async function deleteNamespace(ns: string): Promise<void> {
  const deadline = Date.now() + EXIT_DEADLINE_MS;
  for (let pids = await pidsIn(ns); pids.length > 0; pids = await pidsIn(ns)) {
    for (const pid of pids) killQuietly(pid);
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(", ")} in namespace ${ns} did not die`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await ip(["netns", "del", ns]);
}

/**
 * Deletes namespaces left by runs of this module whose process is gone (a run killed before its
 * cleanup). Namespaces of live processes, and any other namespace, are left alone.
 */
export async function sweepLeftoverNamespaces(): Promise<void> {
  const listed = await ip(["netns", "list"]).catch(() => "");
  const pattern = new RegExp(`^(${NAME_PREFIX}-(\\d+)-\\S+)`);
  for (const line of listed.split("\n")) {
    const match = pattern.exec(line);
    if (match === null || isAlive(Number(match[2]))) continue;
    await deleteNamespace(match[1]!).catch(() => undefined);
  }
}

/**
 * Creates one namespace per host on a private /24 (`subnet` is its first three octets; host i
 * gets `.${10 + i}`), all joined by a bridge. On failure everything created so far is deleted.
 */
export async function createNetwork(hostNames: readonly string[], subnet = "10.77.0"): Promise<Network> {
  const tag = `${NAME_PREFIX}-${process.pid}-${randomBytes(2).toString("hex")}`;
  const bridgeNs = `${tag}-br`;
  const created: string[] = [];
  const hosts = new Map<string, NetHost>();
  const children = new Set<ChildProcess>();
  let isDestroyed = false;
  const vethOf = (name: string) => `v-${name}`.slice(0, 15);

  const destroy = async (): Promise<void> => {
    if (isDestroyed) return;
    isDestroyed = true;
    // Process groups first (nginx's workers, anything a command forked), then any straggler by namespace.
    await Promise.all([...children].map(async (child) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      killQuietly(-child.pid);
      killQuietly(child.pid);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, EXIT_DEADLINE_MS))]);
    }));
    const failures: string[] = [];
    for (const ns of created.reverse()) {
      await deleteNamespace(ns).catch((error: Error) => failures.push(error.message));
    }
    if (failures.length > 0) throw new Error(`could not delete every namespace:\n${failures.join("\n")}`);
  };

  const hostOf = (name: string): NetHost => {
    const host = hosts.get(name);
    if (host === undefined) throw new Error(`no host ${name} in this network`);
    return host;
  };

  try {
    await ip(["netns", "add", bridgeNs]);
    created.push(bridgeNs);
    await ip(["-n", bridgeNs, "link", "add", BRIDGE, "type", "bridge"]);
    await ip(["-n", bridgeNs, "link", "set", BRIDGE, "up"]);
    for (const [i, name] of hostNames.entries()) {
      if (!/^[a-z0-9]{1,12}$/.test(name)) throw new Error(`host name ${JSON.stringify(name)}: use 1-12 of a-z and 0-9`);
      const ns = `${tag}-${name}`;
      const address = `${subnet}.${10 + i}`;
      await ip(["netns", "add", ns]);
      created.push(ns);
      await ip(["-n", ns, "link", "set", "lo", "up"]);
      await ip(["-n", bridgeNs, "link", "add", vethOf(name), "type", "veth", "peer", "name", "eth0", "netns", ns]);
      await ip(["-n", bridgeNs, "link", "set", vethOf(name), "master", BRIDGE, "up"]);
      await ip(["-n", ns, "addr", "add", `${address}/24`, "dev", "eth0"]);
      await ip(["-n", ns, "link", "set", "eth0", "up"]);
      hosts.set(name, { name, ns, ip: address });
    }
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }

  return {
    hosts,
    host: hostOf,
    spawn(host, command, args, options = {}) {
      // `ip netns exec` execs the command in place: the child's pid is the command's own.
      const child = spawn("ip", ["netns", "exec", hostOf(host).ns, command, ...args], { ...options, detached: true });
      children.add(child);
      child.once("exit", () => children.delete(child));
      return child;
    },
    exec(host, command, args, timeoutMs = 10_000) {
      return new Promise((resolve) => {
        execFile("ip", ["netns", "exec", hostOf(host).ns, command, ...args], { timeout: timeoutMs, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
          resolve({ code, stdout, stderr });
        });
      });
    },
    async setLink(host, isUp) {
      await ip(["-n", bridgeNs, "link", "set", vethOf(hostOf(host).name), isUp ? "up" : "down"]);
    },
    destroy,
  };
}
