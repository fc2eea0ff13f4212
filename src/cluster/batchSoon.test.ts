import { describe, expect, it, vi } from "vitest";
import { batchSoon } from "./batchSoon.ts";

describe("batchSoon", () => {
  it("runs once for a burst of calls in one turn, and again for a later one", async () => {
    let runs = 0;
    const soon = batchSoon(() => runs++);
    soon();
    soon();
    soon();
    expect(runs).toBe(0);
    await vi.waitFor(() => expect(runs).toBe(1));
    soon();
    await vi.waitFor(() => expect(runs).toBe(2));
  });
});
