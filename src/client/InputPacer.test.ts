import { describe, expect, it } from "vitest";
import { InputPacer } from "./InputPacer.ts";

const STEP_MS = 1000 / 30;

function pacer() {
  let sent = 0;
  const p = new InputPacer(STEP_MS, () => sent++);
  return { p, sent: () => sent };
}

describe("InputPacer", () => {
  it("sends one input per step at any frame rate", () => {
    for (const frameMs of [1000 / 144, 1000 / 60, 1000 / 24]) {
      const { p, sent } = pacer();
      for (let t = 0; t <= 10_000; t += frameMs) p.pump(t);
      expect(sent()).toBeGreaterThanOrEqual(300);
      expect(sent()).toBeLessThanOrEqual(301);
    }
  });

  it("sends a key press at once, at most once per frame, and then restarts the schedule from that frame", () => {
    const { p, sent } = pacer();
    const frameMs = 1000 / 60;
    p.pump(0); // sends: the first input is due at once
    p.pump(frameMs);
    expect(sent()).toBe(1);
    expect(p.sendEarly()).toBe(true); // between frame 1 and 2
    expect(p.sendEarly()).toBe(false);
    expect(sent()).toBe(2);
    // The schedule runs from frame 1 (at 16.7 ms): the next input is due one step later, at 50 ms.
    p.pump(2 * frameMs);
    expect(sent()).toBe(2);
    p.pump(3 * frameMs);
    expect(sent()).toBe(3);
    expect(p.sendEarly()).toBe(true); // a new frame, a new early send
  });

  it("adds at most one input per frame however fast keys change", () => {
    const { p, sent } = pacer();
    const frames = 60;
    for (let frame = 0; frame < frames; frame++) {
      p.pump((frame * 1000) / 60);
      for (let k = 0; k < 5; k++) p.sendEarly();
    }
    expect(sent()).toBeLessThanOrEqual(frames + 1);
  });

  it("does nothing early before the first frame, and drops a long backlog instead of bursting it", () => {
    const { p, sent } = pacer();
    expect(p.sendEarly()).toBe(false);
    p.pump(0);
    expect(p.pump(60_000)).toBe(1);
    expect(sent()).toBe(2);
  });
});
