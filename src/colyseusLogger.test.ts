import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { colyseusLogger } from "./colyseusLogger.ts";
import { createLogger } from "./logger.ts";

/** A Colyseus-facing logger over a real pino logger, and the parsed lines it wrote. */
function capture(level: "info" | "trace" = "trace") {
  const lines: Record<string, any>[] = [];
  let raw = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw += String(chunk);
      for (const line of String(chunk).split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, any>);
      done();
    },
  });
  return { logger: colyseusLogger(createLogger(level, sink)), lines, raw: () => raw };
}

function refused(message: string): Error {
  return Object.assign(new Error(message), { code: "ECONNREFUSED", errno: -111, syscall: "connect", address: "127.0.0.1", port: 6390 });
}

describe("colyseusLogger", () => {
  it("writes a string alone as the message, at the level called", () => {
    const { logger, lines } = capture();
    logger.warn("DEPRECATION WARNING: use client.leave() instead of client.close()");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, source: "colyseus", msg: "DEPRECATION WARNING: use client.leave() instead of client.close()" });
    expect(lines[0]).not.toHaveProperty("err");
    expect(lines[0]).not.toHaveProperty("args");
  });

  it("keeps the reason RedisPresence passes after its message (the arguments pino used to drop)", () => {
    const { logger, lines } = capture();
    logger.warn("RedisPresence: pub connection error:", "connect ECONNREFUSED 127.0.0.1:6390");
    expect(lines[0]).toMatchObject({
      level: 40, msg: "RedisPresence: pub connection error: connect ECONNREFUSED 127.0.0.1:6390", args: ["connect ECONNREFUSED 127.0.0.1:6390"],
    });
  });

  it("serializes an Error under err: type, message, stack and code", () => {
    const { logger, lines } = capture();
    logger.error("could not subscribe:", refused("connect ECONNREFUSED 127.0.0.1:6390"));
    expect(lines[0]).toMatchObject({
      level: 50, msg: "could not subscribe: connect ECONNREFUSED 127.0.0.1:6390",
      err: { type: "Error", message: "connect ECONNREFUSED 127.0.0.1:6390", code: "ECONNREFUSED", syscall: "connect", port: 6390 },
    });
    expect(lines[0]!.err.stack).toMatch(/^Error: connect ECONNREFUSED 127\.0\.0\.1:6390\n\s+at /);
    expect(lines[0]).not.toHaveProperty("args");
  });

  it("keeps the other arguments after the Error under args", () => {
    const { logger, lines } = capture();
    logger.error("room failed:", new TypeError("boom"), { roomId: "r1", clients: 3 }, 42);
    expect(lines[0]).toMatchObject({
      level: 50, msg: "room failed: boom 42", err: { type: "TypeError", message: "boom" }, args: [{ roomId: "r1", clients: 3 }, 42],
    });
  });

  it("fills printf-style placeholders as console does, keeping what they did not take", () => {
    const { logger, lines } = capture();
    logger.info("room %s has %d clients (100%%)", "r1", 3, { extra: true });
    expect(lines[0]).toMatchObject({ level: 30, msg: "room r1 has 3 clients (100%)", args: [{ extra: true }] });
  });

  it("takes an Error alone as message and err, and maps every level", () => {
    const { logger, lines } = capture();
    logger.error(new Error("alone"));
    for (const level of ["trace", "debug", "info", "warn"] as const) logger[level](level);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[50, "alone"], [10, "trace"], [20, "debug"], [30, "info"], [40, "warn"]]);
    expect(lines[0]!.err).toMatchObject({ type: "Error", message: "alone" });
  });

  it("writes nothing below the logger's level", () => {
    const { logger, lines } = capture("info");
    logger.debug("📋 room state =>", { huge: true });
    logger.trace("x");
    expect(lines).toHaveLength(0);
  });

  it("never writes a credential: URLs in the message, the error and the arguments, secret fields at any depth", () => {
    const { logger, lines, raw } = capture();
    const url = "redis://player:hunter2-secret@cache.internal:6379/0";
    const error = refused(`cannot reach ${url}`);
    logger.error(`connecting to ${url} failed:`, error, { options: { redisUrl: url, nested: { password: "hunter2-secret", token: "hunter2-secret" } } }, `retrying ${url}`);
    logger.warn("options: %j", { auth: { password: "hunter2-secret" } });
    expect(raw()).not.toContain("hunter2-secret");
    expect(lines[0]!.msg).toBe("connecting to redis://***@cache.internal:6379/0 failed: cannot reach redis://***@cache.internal:6379/0 retrying redis://***@cache.internal:6379/0");
    expect(lines[0]!.err.message).toBe("cannot reach redis://***@cache.internal:6379/0");
    expect(lines[0]!.err.stack).toContain("redis://***@cache.internal:6379/0");
    expect(lines[0]!.args).toEqual([
      { options: { redisUrl: "redis://***@cache.internal:6379/0", nested: { password: "[Redacted]", token: "[Redacted]" } } },
      "retrying redis://***@cache.internal:6379/0",
    ]);
    expect(lines[1]!.msg).toBe('options: {"auth":{"password":"[Redacted]"}}');
  });

  it("survives cycles and deep objects", () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { name: "a" };
    cyclic.self = cyclic;
    logger.info("state", cyclic, { a: { b: { c: { d: { e: { f: 1 } } } } } });
    expect(lines[0]!.args).toEqual([{ name: "a", self: "[Circular]" }, { a: { b: { c: { d: "[Object]" } } } }]);
  });
});
