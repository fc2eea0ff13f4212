/**
 * Where this server's CPU goes, as categories of a CPU profile's samples.
 *
 * A sample belongs to the first rule, in table order, that matches any frame
 * of its stack (the sampled function or any caller). Order is therefore
 * priority: a socket write made from inside the tick is a socket write;
 * schema code called by the interest manager (`view.add`) is interest
 * management; what is left of a patch once its parts are claimed is
 * "patch, rest". The last rule matches everything.
 */

/** One frame of a V8 CPU profile's call tree (the inspector's Runtime.CallFrame). */
export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, -1 for native and synthetic frames. */
  lineNumber: number;
  columnNumber: number;
}

/** Matches a frame when every given pattern does. */
export interface FrameMatcher {
  /** Against the function name. */
  name?: RegExp;
  /** Against the script URL (`file:///...`, `node:...`; "" for native code). */
  url?: RegExp;
}

export interface CategoryRule {
  id: string;
  label: string;
  /** Any frame of the stack matching any of these claims the sample; empty matches every stack. */
  frames: readonly FrameMatcher[];
}

const SCHEMA = /\/node_modules\/@colyseus\/schema\//;
const CORE = /\/node_modules\/@colyseus\/core\//;
const WS_TRANSPORT = /\/node_modules\/@colyseus\/ws-transport\//;
/** Node's socket write path. Not `node:internal/streams/writable` in general: ws's Receiver is a Writable too. */
const SOCKET_INTERNALS = /^node:(net|internal\/stream_base_commons)$/;

export const CATEGORY_RULES: readonly CategoryRule[] = [
  { id: "idle", label: "idle (waiting for I/O or timers)", frames: [{ name: /^\(idle\)$/ }] },
  { id: "gc", label: "GC (main thread)", frames: [{ name: /^\(garbage collector\)$/ }] },
  {
    id: "socket-write",
    label: "socket writes (ws send, net, writev)",
    frames: [
      { url: /\/node_modules\/ws\/lib\/sender\.js$/ },
      { url: WS_TRANSPORT, name: /^(raw|enqueueRaw|send|sendBytes)$/ },
      { url: SOCKET_INTERNALS, name: /^(Socket\.)?(_?write(v|Generic|vGeneric)?|_writeGeneric|afterWriteDispatched|onWriteComplete|handleWriteReq)$/ },
      // The native stream bindings (url "") that write(2)/writev(2).
      { url: /^$/, name: /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString|writeUcs2String)$/ },
    ],
  },
  { id: "interest", label: "interest management (rooms/interest.ts, view add/remove)", frames: [{ url: /\/rooms\/interest\.ts$/ }] },
  { id: "view-encode", label: "per-client view encodes (encodeView)", frames: [{ url: SCHEMA, name: /^encode(All)?View$/ }] },
  { id: "shared-encode", label: "shared patch encode (Encoder.encode, discardChanges)", frames: [{ url: SCHEMA, name: /^(encode|encodeAll|discardChanges)$/ }] },
  { id: "rewind", label: "rewind history (lag compensation)", frames: [{ url: /\/node_modules\/@colyseus\/core\/build\/Rewind\./ }] },
  { id: "mirror", label: "sim -> schema mirror (writePlayer, change tracking)", frames: [{ url: /\/rooms\/stateSync\.ts$/, name: /^writePlayer$/ }] },
  { id: "patch-rest", label: "patch, rest (broadcastPatch, applyPatches, stats)", frames: [{ name: /^(broadcastPatch|applyPatches)$/ }] },
  {
    id: "input",
    label: "input receive + decode (ws receiver, msgpackr, onMessage, defineInput)",
    frames: [
      { url: /\/node_modules\/ws\/lib\/receiver\.js$/ },
      { url: /\/node_modules\/msgpackr\// },
      { url: /\/rooms\/clientGuard\.ts$/ },
      { url: CORE, name: /^_?on(Message|Input)/ },
      { url: /\/node_modules\/@colyseus\/core\/build\/input\// },
      { url: WS_TRANSPORT, name: /message/i },
      { url: /^node:(net|internal\/stream_base_commons)$/, name: /^onStreamRead$/ },
    ],
  },
  {
    id: "tick",
    label: "the tick (ArenaRoom step, src/sim)",
    frames: [{ url: /\/rooms\/ArenaRoom\.ts$/, name: /^step$/ }, { url: /\/src\/sim\// }],
  },
  { id: "program", label: "native, not attributed to JS ((program): libuv, V8)", frames: [{ name: /^\(program\)$/ }] },
  { id: "timers", label: "timers and event loop (rest)", frames: [{ url: /^node:internal\/(timers|process\/task_queues)$/ }] },
  { id: "other", label: "other", frames: [] },
];

function frameMatches(frame: CallFrame, matcher: FrameMatcher): boolean {
  return (matcher.name === undefined || matcher.name.test(frame.functionName))
    && (matcher.url === undefined || matcher.url.test(frame.url));
}

/**
 * The category of a sample whose stack is `stack` (innermost frame first).
 * `rules` must end with a catch-all (empty `frames`).
 */
export function categoryOf(stack: readonly CallFrame[], rules: readonly CategoryRule[]): CategoryRule {
  for (const rule of rules) {
    if (rule.frames.length === 0) return rule;
    if (stack.some((frame) => rule.frames.some((m) => frameMatches(frame, m)))) return rule;
  }
  throw new Error("category rules must end with a catch-all rule (no frames)");
}
