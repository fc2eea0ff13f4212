import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { ClientAddresses } from "../clientAddress.ts";
import { ERROR_CODES } from "../closeCodes.ts";

/**
 * The client's address as the trust model resolved it, set on every request by
 * the gate (any value a client sent under this name is overwritten), so handlers
 * that only see headers (Colyseus' matchmaking) can key limits on it.
 */
export const CLIENT_ADDRESS_HEADER = "x-gs-client-address";

/** Matchmaking options are a mode, a name and perhaps a token: a few hundred bytes. */
const MAX_MATCHMAKE_BODY_BYTES = 4_096;
/** The largest other body is an operator's announcement (500 characters). */
const MAX_HTTP_BODY_BYTES = 16_384;
/** A body still arriving after this long is refused (408): slow uploads hold no socket for long. */
const BODY_DEADLINE_MS = 10_000;

export interface RequestGate {
  /** The client address of the request that upgraded `socket` to a WebSocket. */
  addressOfSocket(socket: Duplex | undefined): string | undefined;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts one gate in front of every HTTP handler on `server`, Colyseus' own
 * matchmaking listener included (it answers /matchmake ahead of express, so an
 * express body limit never reaches it). The gate resolves the client address,
 * and reads a request body itself, bounded, before any handler runs: 413 as soon
 * as the declared or received size passes the route's limit, 408 past the
 * deadline, 400 for malformed JSON. Handlers then find the body parsed in
 * `req.body` (body-parser and Colyseus both take it from there).
 *
 * Install it once the server's own listeners are in place (after Colyseus binds its routes).
 */
export function installRequestGate(server: HttpServer, addresses: ClientAddresses): RequestGate {
  const handlers = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  const dispatch: Listener = (req, res) => {
    for (const handler of handlers) handler.call(server, req, res);
  };
  const upgradeAddresses = new WeakMap<Duplex, string>();

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    req.headers[CLIENT_ADDRESS_HEADER] = addresses.resolve(req.socket.remoteAddress, req.headers["x-forwarded-for"]);
    // Forwarding headers from anyone but a trusted proxy are forged: no handler gets to read them.
    if (!addresses.isTrusted(req.socket.remoteAddress)) {
      for (const header of FORWARDING_HEADERS) delete req.headers[header];
    }
    if (!hasBody(req)) {
      dispatch(req, res);
      return;
    }
    const limit = (req.url ?? "").startsWith("/matchmake/") ? MAX_MATCHMAKE_BODY_BYTES : MAX_HTTP_BODY_BYTES;
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      refuse(req, res, ERROR_CODES.BODY_TOO_LARGE, `request body over ${limit} bytes`);
      return;
    }
    readBounded(req, res, limit, (body) => {
      (req as IncomingMessage & { body?: unknown }).body = body;
      dispatch(req, res);
    });
  });
  server.prependListener("upgrade", (req: IncomingMessage, socket: Duplex) => {
    upgradeAddresses.set(socket, addresses.resolve(req.socket.remoteAddress, req.headers["x-forwarded-for"]));
  });

  return { addressOfSocket: (socket) => (socket === undefined ? undefined : upgradeAddresses.get(socket)) };
}

const FORWARDING_HEADERS = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded"];

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

function readBounded(req: IncomingMessage, res: ServerResponse, limit: number, done: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let isOver = false;
  const deadline = setTimeout(() => stop(408, `request body not received within ${BODY_DEADLINE_MS / 1000} s`), BODY_DEADLINE_MS);
  deadline.unref();
  function stop(status: number, message: string): void {
    if (isOver) return;
    isOver = true;
    clearTimeout(deadline);
    refuse(req, res, status, message);
  }
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) stop(ERROR_CODES.BODY_TOO_LARGE, `request body over ${limit} bytes`);
    else chunks.push(chunk);
  });
  req.on("error", () => stop(400, "request body failed"));
  req.on("end", () => {
    if (isOver) return;
    isOver = true;
    clearTimeout(deadline);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (!(req.headers["content-type"] ?? "").includes("json")) {
      done(raw);
      return;
    }
    let parsed: unknown;
    try {
      parsed = raw === "" ? {} : JSON.parse(raw);
    } catch {
      refuse(req, res, 400, "malformed JSON body");
      return;
    }
    done(parsed);
  });
}

/** How long a refused request's client may go on sending (discarded) while it reads the answer. */
const LINGER_MS = 1_000;

/**
 * Answers with a JSON error and closes the connection, the rest of the body unread. The close
 * lingers: what the client sends meanwhile is discarded for up to LINGER_MS, so a client still
 * uploading reads the answer instead of a connection reset.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
  res.write(body);
  let isEnded = false;
  const end = () => {
    if (isEnded) return;
    isEnded = true;
    clearTimeout(linger);
    res.end();
  };
  const linger = setTimeout(end, LINGER_MS);
  req.removeAllListeners("data");
  req.once("end", end);
  req.once("error", end);
  req.resume();
}
