import { describe, expect, it } from "vitest";
import { WorkerOutput } from "./workerOutput.ts";

const line = (entry: Record<string, unknown>) => JSON.stringify({ pid: 7, time: 1, ...entry });

describe("WorkerOutput", () => {
  it("names the last error-level line, with its error's message", () => {
    const output = new WorkerOutput();
    output.noteStdout(line({ level: 30, msg: "starting" }));
    output.noteStdout(line({ level: 50, event: "http_error", msg: "HTTP handler failed", err: { message: "old" } }));
    output.noteStdout(line({ level: 60, event: "uncaught_exception", msg: "uncaught exception, exiting", err: { type: "TypeError", message: "x is undefined" } }));
    output.noteStdout(line({ level: 30, msg: "after" }));
    expect(output.failure()).toEqual({ reason: "uncaught exception, exiting: x is undefined", isListenFailure: false, port: undefined });
  });

  it("does not repeat an error message the line already holds", () => {
    const output = new WorkerOutput();
    const reason = "REDIS_URL=\"redis://***@127.0.0.1:1\": cannot connect to Redis within 1 s (REDIS_STARTUP_TIMEOUT_S): connect ECONNREFUSED 127.0.0.1:1";
    output.noteStdout(line({ level: 60, event: "listen_failed", msg: `could not start: ${reason}`, err: { message: reason }, port: 2567 }));
    expect(output.failure()).toEqual({ reason: `could not start: ${reason}`, isListenFailure: false, port: undefined });
  });

  it("tells a failed bind apart, with the port it asked for", () => {
    const output = new WorkerOutput();
    output.noteStdout(line({
      level: 60, event: "listen_failed", port: 2567, msg: "could not start: listen EADDRINUSE: address already in use 127.0.0.1:2667",
      err: { type: "Error", message: "listen EADDRINUSE: address already in use 127.0.0.1:2667", code: "EADDRINUSE", syscall: "listen", port: 2667 },
    }));
    expect(output.failure()).toEqual({ reason: "could not start: listen EADDRINUSE: address already in use 127.0.0.1:2667", isListenFailure: true, port: 2667 });
  });

  it("falls back to the line naming the error on stderr, skipping Node's stack and footer", () => {
    const output = new WorkerOutput();
    output.noteStdout("not json at all");
    for (const text of ["file:///app/src/index.ts:3", "    throw new Error(\"early\");", "    ^", "", "Error: early", "    at file:///app/src/index.ts:3:7", "", "Node.js v24.21.0"]) {
      output.noteStderr(text);
    }
    expect(output.failure()).toEqual({ reason: "Error: early", isListenFailure: false, port: undefined });
  });

  it("says nothing when nothing went wrong in print, and keeps only the last lines", () => {
    const output = new WorkerOutput(3);
    expect(output.failure()).toBeUndefined();
    output.noteStdout(line({ level: 50, msg: "long ago" }));
    for (let i = 0; i < 3; i++) output.noteStdout(line({ level: 30, msg: `fine ${i}` }));
    expect(output.failure()).toBeUndefined();
  });
});
