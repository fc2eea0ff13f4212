import { describe, expect, it } from "vitest";
import { BENCH_MAX_PLAYERS, CONTENDER_IDS } from "./contenders.ts";
import { parseBenchOptions } from "./options.ts";

const parse = (...argv: string[]) => parseBenchOptions(argv, "/tmp/out");

describe("parseBenchOptions", () => {
  it("defaults to 100 players, 30 s, every contender in the canonical order, a ceiling of 6000", () => {
    expect(parse()).toEqual({
      ok: true,
      value: { players: 100, durationS: 30, isQuick: false, maxPlayers: 6_000, outDir: "/tmp/out", contenders: [...CONTENDER_IDS] },
    });
  });

  it("takes more players than one room of the old cap (512) held", () => {
    expect(parse("--players", "600")).toMatchObject({ ok: true, value: { players: 600, maxPlayers: 6_000 } });
  });

  it("raises the default ceiling to --players, up to the bench's", () => {
    expect(parse("--players", "8000")).toMatchObject({ ok: true, value: { players: 8_000, maxPlayers: 8_000 } });
    expect(parse("--players", String(BENCH_MAX_PLAYERS))).toMatchObject({ ok: true, value: { maxPlayers: BENCH_MAX_PLAYERS } });
  });

  it.each([
    [["--players", "0"], "--players must be an integer from 1 to 10000"],
    [["--players", "10001"], "--players must be an integer from 1 to 10000"],
    [["--players", "many"], "--players must be an integer from 1 to 10000"],
    [["--players", "600", "--max-players", "500"], "--max-players must be an integer from --players to 10000"],
    [["--max-players", "20000"], "--max-players must be an integer from --players to 10000"],
    [["--duration", "0"], "--duration must be 1-600 s"],
    [["--only", "this-server,nope"], `--only takes ${CONTENDER_IDS.join(", ")}`],
  ])("refuses %j", (argv, message) => {
    expect(parse(...argv)).toEqual({ ok: false, message });
  });

  it("answers --help, and refuses an unknown flag in one line", () => {
    expect(parse("--help")).toEqual({ ok: true, help: true });
    expect(parse("--nope")).toMatchObject({ ok: false, message: expect.stringMatching(/^Unknown option '--nope'[^\n]*$/) });
  });

  it("keeps the canonical order whatever --only says, this server's two scenarios first", () => {
    expect(parse("--only", "send-limit,this-server-rooms,this-server")).toMatchObject({
      ok: true, value: { contenders: ["this-server", "this-server-rooms", "send-limit"] },
    });
  });
});
