import { describe, expect, it } from "vitest";
import { parseChatCommand, type Recipient } from "./chatCommand.ts";

const ada: Recipient = { playerId: "p-ada", name: "ada" };
const adaL: Recipient = { playerId: "p-adal", name: "ada lovelace" };
const bob: Recipient = { playerId: "p-bob", name: "Bob" };
const known = [ada, adaL, bob];

describe("parseChatCommand", () => {
  it.each([
    ["/w ada hi there", { kind: "dm", to: ada, text: "hi there" }],
    ["/w ada lovelace hello", { kind: "dm", to: adaL, text: "hello" }],
    ["/w BOB  yo ", { kind: "dm", to: bob, text: "yo" }],
    ["/whisper bob yo", { kind: "dm", to: bob, text: "yo" }],
    ["/msg p-bob by id", { kind: "dm", to: bob, text: "by id" }],
  ])("%s", (line, expected) => {
    expect(parseChatCommand(line, known)).toEqual(expected);
  });

  it.each([
    ["hello everyone", /direct messages only/],
    ["/w nobody hi", /no player named "nobody"/],
    ["/w bob", /usage: \/w Bob <text>/],
    ["/w bobby hi", /no player named "bobby"/],
    ["/r thanks", /nobody to reply to/],
  ])("refuses %s", (line, reason) => {
    const command = parseChatCommand(line, known);
    expect(command.kind).toBe("invalid");
    if (command.kind === "invalid") expect(command.reason).toMatch(reason);
  });

  it("replies to the last sender", () => {
    expect(parseChatCommand("/r thanks!", known, bob)).toEqual({ kind: "dm", to: bob, text: "thanks!" });
    expect(parseChatCommand("/r", known, bob).kind).toBe("invalid");
  });
});
