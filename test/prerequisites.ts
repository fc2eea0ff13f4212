/**
 * `npm test`'s first step, before vitest: every program the tests run is found, or installed here
 * where that can be done (root on Debian or Ubuntu: apt-get, saying what it installs); otherwise it
 * stops, exit 1, with one line naming what to install. Then it installs the nested tools packages'
 * node_modules. Silent when everything is there. The list and the decisions are in
 * test/support/prerequisites.ts; this file only acts on them.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  installerFor, installingLine, isInstalled, missingLine, missingPrerequisites, nestedPackagesToInstall, packagesFor, prerequisites,
} from "./support/prerequisites.ts";
import { findTool } from "./support/requireTool.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function osRelease(): string {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      // try the next
    }
  }
  return "";
}

function main(): number {
  let missing = missingPrerequisites(prerequisites(process.env), isInstalled);
  const aptGet = missing.length > 0 ? installerFor({ isRoot: process.getuid?.() === 0, aptGet: findTool("apt-get"), osRelease: osRelease() }) : undefined;
  if (aptGet !== undefined) {
    console.log(installingLine(missing));
    // apt's own errors reach stderr; whatever it did, the check below decides.
    const apt = (args: string[]) => spawnSync(aptGet, args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: ["ignore", "ignore", "inherit"] });
    apt(["update", "-qq"]);
    apt(["install", "-y", "-qq", ...packagesFor(missing)]);
    missing = missingPrerequisites(missing, isInstalled);
  }
  if (missing.length > 0) {
    console.error(missingLine(missing));
    return 1;
  }
  for (const dir of nestedPackagesToInstall(ROOT)) {
    console.log(`npm test: installing ${dir}'s packages (npm ci --prefix ${dir})`);
    const npm = spawnSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    if (npm.status !== 0) {
      console.error(`npm test stops: npm ci --prefix ${dir} failed`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = main();
