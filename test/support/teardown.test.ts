import { beforeAll, describe, expect, it } from "vitest";
import { shared, stopWhenDone } from "./teardown.ts";

// The tests of each block run in order: each checks what the one before it left registered.
const stopped: string[] = [];

describe("stopWhenDone while a test runs", () => {
  it("stops nothing before the test ends", async () => {
    stopWhenDone(() => stopped.push("first"));
    stopWhenDone(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stopped.push("second");
    });
    expect(stopped).toEqual([]);
  });

  it("has stopped it all once the test ended, the last started first", () => {
    expect(stopped.splice(0)).toEqual(["second", "first"]);
  });

  it.fails("stops things of a failed test too", () => {
    stopWhenDone(() => stopped.push("after a failure"));
    throw new Error("fails on purpose");
  });

  it("(the failed test's stop has run)", () => {
    expect(stopped.splice(0)).toEqual(["after a failure"]);
  });
});

describe("shared", () => {
  const value = shared(async () => {
    stopWhenDone(() => stopped.push("shared"));
    return 42;
  });

  it("starts before the block's first test", () => {
    expect(value()).toBe(42);
  });

  it("keeps it running through the block's tests", () => {
    expect(stopped).toEqual([]);
  });
});

describe("outside a test and a shared block", () => {
  beforeAll(() => {
    stopWhenDone(() => stopped.push("never"));
  });

  it("the shared block's stop ran after its last test; a stop from another hook is not registered", () => {
    expect(stopped.splice(0)).toEqual(["shared"]);
  });

  it("(still not)", () => {
    expect(stopped).toEqual([]);
  });
});
