import { describe, expect, it } from "vitest";
import { parseSupervisorArgs, usage, USAGE_LINE } from "./supervisorArgs.ts";

describe("parseSupervisorArgs", () => {
  it("gives the documented defaults", () => {
    expect(parseSupervisorArgs([], {}, 4)).toEqual({ ok: true, value: { workers: 4, publicAddressPattern: undefined, maxRestarts: 5, restartWindowS: 300 } });
  });

  it("reads the flags, and the CLUSTER_* variables when a flag is absent", () => {
    expect(parseSupervisorArgs(["--workers", "2", "--public-address", "games.example.com/p{index}", "--max-restarts", "0", "--restart-window", "60"], {}, 4))
      .toEqual({ ok: true, value: { workers: 2, publicAddressPattern: "games.example.com/p{index}", maxRestarts: 0, restartWindowS: 60 } });
    expect(parseSupervisorArgs([], { CLUSTER_MAX_RESTARTS: "3", CLUSTER_RESTART_WINDOW_S: "120" }, 4))
      .toMatchObject({ value: { maxRestarts: 3, restartWindowS: 120 } });
    expect(parseSupervisorArgs(["--max-restarts", "7"], { CLUSTER_MAX_RESTARTS: "3" }, 4)).toMatchObject({ value: { maxRestarts: 7 } });
  });

  it("answers --help whatever else is given", () => {
    expect(parseSupervisorArgs(["--workers", "2", "--help"], {}, 4)).toEqual({ ok: true, help: true });
    expect(usage(4).split("\n")[0]).toBe(USAGE_LINE);
    expect(usage(4)).toContain("--max-restarts N");
  });

  it.each([
    [["--workers", "zero"], {}, "--workers=zero is invalid: expected an integer from 1 to 64", false],
    [["--workers", "65"], {}, "--workers=65 is invalid: expected an integer from 1 to 64", false],
    [["--max-restarts=-1"], {}, "--max-restarts=-1 is invalid: expected an integer from 0 to 1000", false],
    [["--restart-window", "0"], {}, "--restart-window=0 is invalid: expected an integer from 1 to 86400", false],
    [[], { CLUSTER_MAX_RESTARTS: "many" }, "CLUSTER_MAX_RESTARTS=\"many\" is invalid: expected an integer from 0 to 1000", false],
    [[], { CLUSTER_RESTART_WINDOW_S: "1.5" }, "CLUSTER_RESTART_WINDOW_S=\"1.5\" is invalid: expected an integer from 1 to 86400", false],
    [["--public-address", "games.example.com"], {}, "--public-address needs {index}, {instance} or {port} so each worker gets its own address", false],
    [["--frobnicate"], {}, "Unknown option '--frobnicate'", true],
    [["2"], {}, "Unexpected argument '2'", true],
    [["--workers"], {}, "Option '--workers <value>' argument missing", true],
  ] as const)("%j %j is refused: %s", (argv, env, reason, isUsageShown) => {
    expect(parseSupervisorArgs(argv, env, 4)).toEqual({ ok: false, reason, isUsageShown });
  });
});
