import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { WebSocket } from "ws";

/**
 * A loopback address other than 127.0.0.1: Linux routes all of 127.0.0.0/8 to `lo`, so a socket
 * bound to it reaches local servers and they see it as the peer, "a client from another address".
 */
export const OTHER_LOOPBACK = "127.0.0.2";

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export interface FetchFromInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array;
  /** Default: a 10 s timeout. */
  signal?: AbortSignal;
}

/**
 * `fetch` from a chosen source address, answering a standard Response. Built on node:http's
 * `localAddress` rather than undici's Agent, so the tests need no extra dependency (Node bundles
 * undici but does not expose its Agent). No redirects are followed.
 */
export function fetchFrom(localAddress: string, url: string | URL, init: FetchFromInit = {}): Promise<Response> {
  const target = new URL(url);
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  if (init.body !== undefined) headers["content-length"] ??= String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = request(target, { method: init.method ?? "GET", headers, localAddress, signal: init.signal ?? AbortSignal.timeout(10_000) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
        }
        const status = res.statusCode ?? 0;
        resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: responseHeaders }));
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A `ws` WebSocket whose TCP connection comes from `localAddress`. */
export function wsFrom(localAddress: string, url: string | URL, options: { headers?: Record<string, string>; protocols?: string[] } = {}): WebSocket {
  return new WebSocket(url, options.protocols ?? [], { localAddress, headers: options.headers });
}
