import { describe, expect, it } from "vitest";
import { addressOfGameServer } from "./AgonesLifecycle.ts";

const status = (address: string, ports: { name: string; port: number }[]) => ({ status: { address, portsList: ports } });

describe("addressOfGameServer", () => {
  it.each([
    ["the node address and the allocated port", status("203.0.113.7", [{ name: "game", port: 7042 }]), "203.0.113.7:7042"],
    ["the port named game among several", status("node-1.example.com", [{ name: "metrics", port: 7001 }, { name: "game", port: 7002 }]), "node-1.example.com:7002"],
    ["the only port, whatever its name", status("203.0.113.7", [{ name: "default", port: 7003 }]), "203.0.113.7:7003"],
    ["an IPv6 address in brackets", status("2001:db8::7", [{ name: "game", port: 7004 }]), "[2001:db8::7]:7004"],
    ["nothing before the pod is scheduled (no address)", status("", [{ name: "game", port: 7005 }]), undefined],
    ["nothing before a port is allocated", status("203.0.113.7", [{ name: "game", port: 0 }]), undefined],
    ["nothing without ports", status("203.0.113.7", []), undefined],
    ["nothing without a status", {}, undefined],
  ])("gives %s", (_what, gameServer, expected) => {
    expect(addressOfGameServer(gameServer)).toBe(expected);
  });
});
