import { existsSync } from "node:fs";
import { join } from "node:path";
import { findTool, isExecutable } from "./requireTool.ts";

/** A program some test runs, and the Debian package that provides it. */
export interface Prerequisite {
  /** The command, looked up as findTool does (PATH, then the sbin directories). */
  tool: string;
  /** Instead of the lookup: absolute paths, any one of which will do. */
  paths?: readonly string[];
  debianPackage: string;
}

/** Where podman looks for its helpers (containers.conf's helper_binaries_dir default). */
const PODMAN_HELPER_DIRS = ["/usr/local/libexec/podman", "/usr/local/lib/podman", "/usr/libexec/podman", "/usr/lib/podman"];

/** Where the browser tests launch Chromium from (test/browser/support/chromium.ts reads it here). */
export function chromiumPath(env: NodeJS.ProcessEnv): string {
  return env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/**
 * Every program outside node_modules that `npm test` runs, with the tests that run it (the Debian
 * base system aside: sh, tar, getconf). iptables and taskset are used when present, never required.
 */
export function prerequisites(env: NodeJS.ProcessEnv): Prerequisite[] {
  return [
    // test/browser, driven by playwright-core (which downloads no browser).
    { tool: "chromium", paths: [chromiumPath(env)], debianPackage: "chromium" },
    // Private Redis servers on free ports: test/support/redisServer.ts, soak, multihost.heavy.
    { tool: "redis-server", debianPackage: "redis-server" },
    // sentinel.heavy: three Sentinels watch a primary and its replica.
    { tool: "redis-sentinel", debianPackage: "redis-sentinel" },
    // multihost.heavy probes its Redis from inside a namespace.
    { tool: "redis-cli", debianPackage: "redis-tools" },
    // The committed proxy configs: nginx, admission, adminAccess, kubernetes, pm2.heavy, multihost.heavy.
    { tool: "nginx", debianPackage: "nginx" },
    // metricsDeploy checks the alert rules and scrape configs (never runs a Prometheus server).
    { tool: "promtool", debianPackage: "prometheus" },
    // kubernetes: `kubectl kustomize deploy/kubernetes`. Any kubectl will do, and Debian's
    // kubernetes-client conflicts with the other kubectl packages: it is only installed when none is found.
    { tool: "kubectl", debianPackage: "kubernetes-client" },
    // pid1.heavy (a PID namespace), kubernetes (nginx -t in a mount namespace).
    { tool: "unshare", debianPackage: "util-linux" },
    // prerequisites.test runs this step as an unprivileged user.
    { tool: "setpriv", debianPackage: "util-linux" },
    // multihost.heavy: network namespaces, and requests from inside them.
    { tool: "ip", debianPackage: "iproute2" },
    { tool: "curl", debianPackage: "curl" },
    // container.heavy builds the Dockerfile with podman (runc: crun fails on hybrid cgroups) from a
    // debootstrap'ed base (no registry is reachable), and runs compose.yaml with docker-compose.
    { tool: "podman", debianPackage: "podman" },
    { tool: "runc", debianPackage: "runc" },
    { tool: "debootstrap", debianPackage: "debootstrap" },
    { tool: "docker-compose", debianPackage: "docker-compose" },
    // Compose services find each other by name through it; only a Recommends of podman's netavark.
    { tool: "aardvark-dns", paths: PODMAN_HELPER_DIRS.map((dir) => join(dir, "aardvark-dns")), debianPackage: "aardvark-dns" },
  ];
}

/** Packages with their own package.json and lockfile whose node_modules the tests use. */
const NESTED_PACKAGES = ["rooms/schema/codegen"];

/** Whether this machine has the program, where the tests will look for it. */
export function isInstalled(prerequisite: Prerequisite): boolean {
  return prerequisite.paths === undefined ? findTool(prerequisite.tool) !== undefined : prerequisite.paths.some(isExecutable);
}

export function missingPrerequisites(all: readonly Prerequisite[], isFound: (p: Prerequisite) => boolean): Prerequisite[] {
  return all.filter((p) => !isFound(p));
}

/** The packages to install for `missing`, each once, in order. */
export function packagesFor(missing: readonly Prerequisite[]): string[] {
  return [...new Set(missing.map((p) => p.debianPackage))];
}

/** Whether /etc/os-release's text describes Debian or a derivative (Ubuntu says ID_LIKE=debian). */
export function isDebianLike(osRelease: string): boolean {
  const field = (name: string) => new RegExp(`^${name}=["']?([^"'\\n]*)`, "m").exec(osRelease)?.[1]?.split(/\s+/) ?? [];
  return [...field("ID"), ...field("ID_LIKE")].includes("debian");
}

/** The apt-get this step installs with: only as root on Debian or a derivative; else undefined. */
export function installerFor(machine: { isRoot: boolean; aptGet: string | undefined; osRelease: string }): string | undefined {
  return machine.isRoot && isDebianLike(machine.osRelease) ? machine.aptGet : undefined;
}

/** The one line `npm test` ends with when something is missing: what, and the command that installs it. */
export function missingLine(missing: readonly Prerequisite[]): string {
  const what = missing.map((p) => (p.paths?.length === 1 ? `${p.tool} (at ${p.paths[0]})` : p.tool));
  return `npm test stops: missing ${what.join(", ")}; install with: apt-get install -y ${packagesFor(missing).join(" ")}`;
}

export function installingLine(missing: readonly Prerequisite[]): string {
  return `npm test: installing ${missing.map((p) => p.tool).join(", ")} (apt-get install -y ${packagesFor(missing).join(" ")})`;
}

/** The nested packages (relative to `root`) that declare dependencies and have not installed them. */
export function nestedPackagesToInstall(root: string, exists: (path: string) => boolean = existsSync): string[] {
  return NESTED_PACKAGES.filter((dir) => exists(join(root, dir, "package.json")) && !exists(join(root, dir, "node_modules")));
}
