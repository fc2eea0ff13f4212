import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopWhenDone } from "./teardown.ts";

/** A fresh directory under the OS temp dir, removed with everything in it when its owner is done (see stopWhenDone). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  stopWhenDone(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
