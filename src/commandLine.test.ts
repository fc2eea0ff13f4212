import { describe, expect, it } from "vitest";
import { readCommandLine, usageLine } from "./commandLine.ts";

const spec = {
  name: "demo",
  usage: "usage: npm run demo -- [--count 3] [--loud]\n\nDoes a demo.\n  --count N  how many (default 3)",
  options: { count: { type: "string", default: "3" }, loud: { type: "boolean", default: false } },
} as const;

describe("readCommandLine", () => {
  it("returns the values with their defaults", () => {
    expect(readCommandLine(spec, [])).toEqual({ kind: "values", values: { count: "3", loud: false } });
    expect(readCommandLine(spec, ["--count", "5", "--loud"])).toEqual({ kind: "values", values: { count: "5", loud: true } });
  });

  it.each([[["--help"]], [["-h"]], [["--count", "5", "--help"]]])("answers %j with help", (argv) => {
    expect(readCommandLine(spec, argv)).toEqual({ kind: "help" });
  });

  it.each([
    [["--nope"], "Unknown option '--nope'"],
    [["stray"], "positional"],
    [["--count"], "argument missing"],
  ])("refuses %j in one line", (argv, expected) => {
    const line = readCommandLine(spec, argv);
    expect(line.kind).toBe("error");
    if (line.kind !== "error") return;
    expect(line.message).toContain(expected);
    expect(line.message).not.toContain("\n");
  });

  it("takes no options at all for a command that has none, --help aside", () => {
    const bare = { name: "bare", usage: "usage: bare", options: {} } as const;
    expect(readCommandLine(bare, [])).toMatchObject({ kind: "values" });
    expect(readCommandLine(bare, ["--help"])).toEqual({ kind: "help" });
    expect(readCommandLine(bare, ["--port", "1"])).toMatchObject({ kind: "error" });
  });
});

describe("usageLine", () => {
  it("is the first line of the usage text", () => {
    expect(usageLine(spec.usage)).toBe("usage: npm run demo -- [--count 3] [--loud]");
  });
});
