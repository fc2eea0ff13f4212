import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH } from "./browser/support/chromium.ts";
import {
  chromiumPath, installerFor, isDebianLike, isInstalled, missingLine, missingPrerequisites, nestedPackagesToInstall, packagesFor,
  prerequisites, type Prerequisite,
} from "./support/prerequisites.ts";
import { requireTool } from "./support/requireTool.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TEST_SCRIPT = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.test!;
const ALL = prerequisites({});
const byTool = (...tools: string[]) => tools.map((tool) => ALL.find((p) => p.tool === tool)!);

describe("the prerequisites list", () => {
  it("holds every tool a test gates on with requireTool", () => {
    const gated = new Set<string>();
    const testFiles = readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    for (const file of testFiles) {
      for (const [, tool] of readFileSync(join(ROOT, "test", file), "utf8").matchAll(/requireTool\("([^"]+)"/g)) gated.add(tool!);
    }
    gated.delete("npm"); // comes with Node: whoever runs `npm test` has it
    expect(gated.size).toBeGreaterThan(5);
    expect([...gated].filter((tool) => !ALL.some((p) => p.tool === tool))).toEqual([]);
  });

  it("looks for Chromium where the browser tests launch it", () => {
    expect(chromiumPath(process.env)).toBe(CHROMIUM_PATH);
    expect(byTool("chromium")[0]!.paths).toEqual(["/usr/bin/chromium"]);
    expect(prerequisites({ CHROMIUM_PATH: "/opt/chrome/chrome" }).find((p) => p.tool === "chromium")!.paths).toEqual(["/opt/chrome/chrome"]);
  });
});

describe("deciding what to do", () => {
  it("installs each missing tool's package once, in order", () => {
    const present = new Set(["nginx", "kubectl"]);
    const missing = missingPrerequisites(byTool("promtool", "nginx", "unshare", "kubectl", "setpriv"), (p) => present.has(p.tool));
    expect(missing.map((p) => p.tool)).toEqual(["promtool", "unshare", "setpriv"]);
    expect(packagesFor(missing)).toEqual(["prometheus", "util-linux"]);
  });

  it("says in one line what is missing and the command that installs it", () => {
    const missing: Prerequisite[] = [{ tool: "chromium", paths: ["/usr/bin/chromium"], debianPackage: "chromium" }, ...byTool("promtool")];
    expect(missingLine(missing)).toBe("npm test stops: missing chromium (at /usr/bin/chromium), promtool; install with: apt-get install -y chromium prometheus");
  });

  it.each([
    ["Debian", true, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nID=debian\n'],
    ["Ubuntu", true, 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'],
    ["Linux Mint", true, 'ID=linuxmint\nID_LIKE="ubuntu debian"\n'],
    ["Fedora", false, "ID=fedora\nVERSION_ID=40\n"],
    ["Alpine", false, "ID=alpine\nID_LIKE=\n"],
    ["no os-release", false, ""],
  ])("%s is Debian-like: %s", (_name, expected, osRelease) => {
    expect(isDebianLike(osRelease)).toBe(expected);
  });

  it("installs only as root, with apt-get, on Debian or a derivative", () => {
    const debian = "ID=debian\n";
    expect(installerFor({ isRoot: true, aptGet: "/usr/bin/apt-get", osRelease: debian })).toBe("/usr/bin/apt-get");
    expect(installerFor({ isRoot: false, aptGet: "/usr/bin/apt-get", osRelease: debian })).toBeUndefined();
    expect(installerFor({ isRoot: true, aptGet: undefined, osRelease: debian })).toBeUndefined();
    expect(installerFor({ isRoot: true, aptGet: "/usr/bin/apt-get", osRelease: "ID=fedora\n" })).toBeUndefined();
  });

  it("installs a nested package's node_modules when it has a package.json and no node_modules", () => {
    const nested = (...paths: string[]) => nestedPackagesToInstall("/repo", (path) => paths.includes(path));
    expect(nested("/repo/rooms/schema/codegen/package.json")).toEqual(["rooms/schema/codegen"]);
    expect(nested("/repo/rooms/schema/codegen/package.json", "/repo/rooms/schema/codegen/node_modules")).toEqual([]);
    expect(nested()).toEqual([]);
  });
});

// The real `npm test` script, as npm runs it (sh -c, node_modules/.bin first, extra arguments
// appended), as an unprivileged user (it must not install anything here) and with a stand-in
// vitest that only says how it was called.
describe("npm test's script", () => {
  const isRoot = process.getuid?.() === 0;
  const setpriv = isRoot ? requireTool("setpriv", "apt-get install -y util-linux") : undefined;
  const stub = mkdtempSync(join(tmpdir(), "prerequisites-test-"));
  chmodSync(stub, 0o755);
  writeFileSync(join(stub, "vitest"), '#!/bin/sh\necho "vitest $*"\n', { mode: 0o755 });
  afterAll(() => rmSync(stub, { recursive: true, force: true }));

  // nobody: no home, no groups, no right to install anything.
  const asNobody = setpriv === undefined ? [] : [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"];
  beforeAll(() => {
    if (asNobody.length > 0 && spawnSync(asNobody[0]!, [...asNobody.slice(1), "test", "-r", join(ROOT, "test/prerequisites.ts")]).status !== 0) {
      throw new Error(`uid 65534 cannot read ${ROOT}: these checks run npm test's script as an unprivileged user`);
    }
  });

  function runTestScript(env: Record<string, string>, cwd = ROOT) {
    const command = `${TEST_SCRIPT} --reporter=json`;
    const [file, ...args] = [...asNobody, "sh", "-c", command];
    const run = spawnSync(file!, args, {
      cwd,
      env: { PATH: `${stub}:${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`, ...env },
      encoding: "utf8",
      timeout: 20_000,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  it.skipIf(isRoot && setpriv === undefined)("on a machine without Chromium: stops before vitest, with the one line naming what to install", () => {
    const env = { CHROMIUM_PATH: "/nonexistent/chromium" };
    const expected = missingLine(missingPrerequisites(prerequisites(env), isInstalled));
    expect(expected).toContain("chromium (at /nonexistent/chromium)");
    expect(expected).toMatch(/apt-get install -y (\S+ )*chromium\b/);
    expect(runTestScript(env)).toEqual({ code: 1, stdout: "", stderr: `${expected}\n` });
  });

  // Everything found is the precondition of the whole suite: outside CI a machine may lack some.
  const unmet = [...missingPrerequisites(prerequisites(process.env), isInstalled).map((p) => p.tool), ...nestedPackagesToInstall(ROOT, existsSync)];
  if (unmet.length > 0 && process.env.CI !== "true") console.warn(`skipping the all-found run of npm test's script: missing ${unmet.join(", ")}`);

  it.skipIf((isRoot && setpriv === undefined) || (unmet.length > 0 && process.env.CI !== "true"))("with everything found: silent, and vitest gets npm's extra arguments", () => {
    expect(runTestScript({})).toEqual({ code: 0, stdout: "vitest run --reporter=json\n", stderr: "" });
  });

  it("without node_modules: one line saying to run npm install", () => {
    const bare = mkdtempSync(join(tmpdir(), "prerequisites-bare-"));
    chmodSync(bare, 0o755);
    try {
      expect(runTestScript({}, bare)).toEqual({ code: 1, stdout: "", stderr: "npm test: no node_modules here: run npm install first\n" });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
