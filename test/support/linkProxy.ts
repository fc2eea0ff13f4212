import { once } from "node:events";
import { createServer, connect, type Socket } from "node:net";
import { stopWhenDone } from "./teardown.ts";

export interface LinkProxy {
  port: number;
  /** A cut link: nothing crosses either way and no socket closes (bytes are held, as TCP would retransmit them). */
  cut(): void;
  /** The link is back: held bytes are delivered and traffic flows again. */
  restore(): void;
  /** Closes the relay and every connection through it. Idempotent. */
  close(): Promise<void>;
}

/**
 * A TCP relay on a free loopback port in front of 127.0.0.1:`targetPort`, whose link can be cut
 * without closing anything: what a pulled cable or a dead router does to a connection, and what
 * stopping the server (which closes sockets at once) does not. Closed when its owner is done (see stopWhenDone).
 */
export async function startLinkProxy(targetPort: number): Promise<LinkProxy> {
  let isCut = false;
  const held: { to: Socket; data: Buffer }[] = [];
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket) => {
    from.on("data", (data: Buffer) => {
      if (isCut) held.push({ to, data });
      else to.write(data);
    });
    from.on("close", () => to.destroy());
    from.on("error", () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    relay(client, upstream);
    relay(upstream, client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    if (!server.listening) return;
    server.close();
    await once(server, "close");
  };
  stopWhenDone(close);
  return {
    port: address.port,
    cut: () => {
      isCut = true;
    },
    restore: () => {
      isCut = false;
      for (const { to, data } of held.splice(0)) if (!to.destroyed) to.write(data);
    },
    close,
  };
}
