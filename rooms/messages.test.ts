import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_MESSAGES, SERVER_MESSAGES } from "./messages.ts";

type Direction = "client -> server" | "server -> client";

/** The named messages (a backquoted type in the second column) of a document's "## Messages" table, per direction. */
function documentedMessages(docPath: string): Record<Direction, string[]> {
  const text = readFileSync(new URL(`../docs/${docPath}`, import.meta.url), "utf8");
  const section = text.split(/^## /m).find((part) => part.startsWith("Messages\n"));
  if (section === undefined) throw new Error(`docs/${docPath} has no "## Messages" section`);
  const listed: Record<Direction, string[]> = { "client -> server": [], "server -> client": [] };
  for (const line of section.split("\n")) {
    const [, direction, type] = line.split("|").map((cell) => cell.trim());
    const name = /^`([^`]+)`/.exec(type ?? "")?.[1];
    if (name !== undefined && (direction === "client -> server" || direction === "server -> client")) listed[direction].push(name);
  }
  return listed;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe("the message catalogue", () => {
  it.each(["protocol.md", "architecture.md"])("is what docs/%s lists, both ways", (docPath) => {
    const listed = documentedMessages(docPath);
    expect(sorted(listed["client -> server"])).toEqual(sorted(Object.values(CLIENT_MESSAGES)));
    expect(sorted(listed["server -> client"])).toEqual(sorted(Object.values(SERVER_MESSAGES)));
  });

  it("names each message once per direction", () => {
    for (const names of [Object.values(CLIENT_MESSAGES), Object.values(SERVER_MESSAGES)]) {
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
