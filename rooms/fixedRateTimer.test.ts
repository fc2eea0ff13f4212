import { describe, expect, it } from "vitest";
import { FixedRateTimer, type TimerClock } from "./fixedRateTimer.ts";

/** A clock the test drives: `advance` moves time and fires what is due, each call `lateMs` late. */
class ManualClock implements TimerClock {
  nowMs = 1_000;
  private due: { at: number; run: () => void; handle: number } | undefined;
  private nextHandle = 1;
  readonly delays: number[] = [];

  now(): number {
    return this.nowMs;
  }

  schedule(run: () => void, delayMs: number): unknown {
    this.delays.push(delayMs);
    this.due = { at: this.nowMs + delayMs, run, handle: this.nextHandle++ };
    return this.due.handle;
  }

  cancel(handle: unknown): void {
    if (this.due?.handle === handle) this.due = undefined;
  }

  /** Fires the pending call `lateMs` after its due time (the event loop was busy). */
  fireLate(lateMs: number): void {
    const due = this.due!;
    this.due = undefined;
    this.nowMs = due.at + lateMs;
    due.run();
  }

  get isArmed(): boolean {
    return this.due !== undefined;
  }
}

describe("fixed-rate timer", () => {
  it("keeps its deadlines on the grid when calls run late: a late call is followed by a shorter wait", () => {
    const clock = new ManualClock();
    const calls: number[] = [];
    const timer = new FixedRateTimer(50, () => calls.push(clock.now()), clock);
    timer.start();
    for (const late of [0, 20, 5, 30, 0]) clock.fireLate(late);
    expect(calls).toEqual([1_050, 1_120, 1_155, 1_230, 1_250]);
    // setInterval would have waited 50 ms after each; here each wait ends on start + k * 50.
    expect(clock.delays).toEqual([50, 50, 30, 45, 20, 50]);
  });

  it("drops the calls a stall missed instead of bursting, and stays on its grid", () => {
    const clock = new ManualClock();
    const calls: number[] = [];
    const timer = new FixedRateTimer(50, () => calls.push(clock.now()), clock);
    timer.start();
    clock.fireLate(420); // a long stall: due at 1050, ran at 1470
    clock.fireLate(0);
    clock.fireLate(0);
    expect(calls).toEqual([1_470, 1_500, 1_550]);
  });

  it("stops: nothing stays armed, and a stop from inside the callback is honoured", () => {
    const clock = new ManualClock();
    let calls = 0;
    const timer = new FixedRateTimer(50, () => {
      calls++;
      if (calls === 2) timer.stop();
    }, clock);
    timer.start();
    clock.fireLate(0);
    clock.fireLate(0);
    expect(calls).toBe(2);
    expect(clock.isArmed).toBe(false);
  });

  it("keeps going after a call that throws", () => {
    const clock = new ManualClock();
    let calls = 0;
    const timer = new FixedRateTimer(50, () => {
      calls++;
      throw new Error("boom");
    }, clock);
    timer.start();
    expect(() => clock.fireLate(0)).toThrow("boom");
    expect(clock.isArmed).toBe(true);
    expect(() => clock.fireLate(0)).toThrow("boom");
    expect(calls).toBe(2);
  });
});
