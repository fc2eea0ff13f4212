import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { redactUrl, redactUrlsIn } from "./redact.ts";

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

describe("redactUrlsIn", () => {
  it.each([
    ["connect to redis://:secret@cache:6379 failed", "connect to redis://***@cache:6379 failed"],
    ["REDIS_URL=\"redis://user:secret@cache:6379/1\": refused", "REDIS_URL=\"redis://***@cache:6379/1\": refused"],
    ["a redis://:p@ss@cache:1 and b rediss://u:x@other:2", "a redis://***@cache:1 and b rediss://***@other:2"],
    ["Error: boom\n    at connect (redis://:secret@cache:6379)", "Error: boom\n    at connect (redis://***@cache:6379)"],
    ["no credentials in redis://cache:6379/2, mail me at ops@example.com", "no credentials in redis://cache:6379/2, mail me at ops@example.com"],
  ])("%j -> %j", (text, redacted) => {
    expect(redactUrlsIn(text)).toBe(redacted);
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
