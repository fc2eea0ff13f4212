import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

// System binaries (nginx, redis-server) live in sbin directories that a non-root PATH often lacks.
const SBIN_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** Whether `path` exists and this user may execute it. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of the executable `tool` on PATH or in an sbin directory, or undefined. */
export function findTool(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter((d) => d !== ""), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Gates tests on an external tool: its path when installed. When it is missing, CI (CI=true) must
 * not pass by skipping, so this throws, naming the tool; elsewhere it prints why and returns
 * undefined, for `describe.skipIf(tool === undefined)`.
 */
export function requireTool(tool: string, installHint = `apt-get install -y ${tool}`): string | undefined {
  const path = findTool(tool);
  if (path !== undefined) return path;
  const reason = `${tool} is not installed (${installHint})`;
  if (process.env.CI === "true") throw new Error(`${reason}: CI runs every test, so ${tool} is required`);
  console.warn(`skipping the tests that need ${tool}: ${reason}`);
  return undefined;
}
