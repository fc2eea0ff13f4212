import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { redactUrl } from "./redact.ts";

describe("redactUrl", () => {
  it.each([
    ["redis://:secret@cache:6379/1", "redis://***@cache:6379/1"],
    ["redis://user:secret@cache:6379", "redis://***@cache:6379"],
    ["rediss://user@cache", "rediss://***@cache"],
    ["redis://:p@ss/w@rd@cache:6379", "redis://***@cache:6379"],
    ["redis://:secret@cache:6379 trailing junk", "redis://***@cache:6379 trailing junk"],
    ["redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/2"],
    ["localhost:6379", "localhost:6379"],
  ])("%s -> %s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe("the logger", () => {
  it("censors secret fields, keeping a URL's host", () => {
    let out = "";
    const sink = new Writable({ write(chunk, _encoding, done) { out += String(chunk); done(); } });
    const logger = createLogger("info", sink);
    logger.info({ redisUrl: "redis://:secret@cache:6379", config: { adminToken: "secret-admin-token", joinSecret: "secret" }, req: { headers: { authorization: "Bearer secret", cookie: "s=secret" } } });
    const line = JSON.parse(out) as Record<string, any>;
    expect(line.redisUrl).toBe("redis://***@cache:6379");
    expect(line.config).toEqual({ adminToken: "[Redacted]", joinSecret: "[Redacted]" });
    expect(line.req.headers).toEqual({ authorization: "[Redacted]", cookie: "[Redacted]" });
    expect(out).not.toContain("secret");
  });
});
