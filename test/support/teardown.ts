import { AsyncLocalStorage } from "node:async_hooks";
import { afterAll, beforeAll, onTestFinished, TestRunner } from "vitest";

type Stop = () => unknown;

/** The stops registered while a `shared` block's start runs. */
const sharedStops = new AsyncLocalStorage<Stop[]>();

/**
 * Registers `stop` with whoever owns what is being started. This is how every helper in
 * test/support that starts something (a server, Redis, nginx, a proxy, a script, a temp
 * directory, a client connection) owns its teardown, so test files keep no module-level
 * handles and no after-hooks of their own:
 * - started while a test runs (its body, or a beforeEach), it is stopped when that test ends,
 *   passed, failed or timed out, the last started first (vitest's `onTestFinished`);
 * - started inside `shared(...)`, it is stopped after the last test of that block;
 * - started anywhere else (a script such as test/browser/support/arenaScreenshot.ts, or a
 *   hook that manages its own handles) nothing is registered and the caller stops it.
 * Every helper's stop is idempotent, so a test may also stop something itself (to watch it
 * drain, or to restart it).
 */
export function stopWhenDone(stop: Stop): void {
  const scope = sharedStops.getStore();
  if (scope !== undefined) {
    scope.push(stop);
  } else if (TestRunner.getCurrentTest() !== undefined) {
    onTestFinished(async () => {
      await stop();
    });
  }
}

/**
 * For what the tests of a file or a describe block share: call at that level, not in a test.
 * `start` runs in a beforeAll; whatever its helpers register with `stopWhenDone` is stopped
 * in an afterAll, which runs even when the start or a test failed. Returns a getter for the
 * started value (reading it before the beforeAll ran throws).
 *
 * @example
 * const server = shared(() => startServer({ JOIN_SECRET: SECRET }));
 * it("...", async () => { await fetch(`${server().httpUrl}/healthz`); });
 */
export function shared<T>(start: () => Promise<T>): () => T {
  const stops: Stop[] = [];
  let started: { value: T } | undefined;
  beforeAll(async () => {
    started = { value: await sharedStops.run(stops, start) };
  });
  afterAll(async () => {
    const failures: unknown[] = [];
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, "a shared teardown failed");
  });
  return () => {
    if (started === undefined) throw new Error("a shared value was read before its beforeAll ran (or its start failed)");
    return started.value;
  };
}
