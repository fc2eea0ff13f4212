import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** What is running: labels of `gameserver_build_info`, so a dashboard can tell versions apart during a rollout. */
export interface BuildInfo {
  /** This server's version (package.json). */
  version: string;
  /** The Node.js runtime, e.g. v24.21.0. */
  node: string;
  /** The installed @colyseus/core. */
  colyseus: string;
}

export function buildInfo(): BuildInfo {
  const versionOf = (path: string) => (require(path) as { version: string }).version;
  return { version: versionOf("../../package.json"), node: process.version, colyseus: versionOf("@colyseus/core/package.json") };
}
