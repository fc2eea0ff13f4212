/**
 * One bot: a real @colyseus/sdk client around the pure brain. It matchmakes,
 * connects, sends one input per tick through `room.input()`, and measures
 * what it receives by tapping the raw frames before the SDK sees them.
 *
 * A probe bot hands every frame to the SDK (which decodes the state it then
 * reads to decide). A light bot hands the SDK only non-state frames: it
 * counts patch bytes and reads the input ack from the TIMED header, so it
 * never pays for decoding, and feeds the header's server time to the room
 * clock itself (the input handle stamps lag-compensation times from it).
 */
import type { Client, InputHandle, Room } from "@colyseus/sdk";
import type { ArenaState, PlayerInput } from "../rooms/schema/ArenaState.ts";
import { POSITION_SCALE } from "../src/sim/constants.ts";
import { createMemory, decide, scriptIntents, type BrainMemory, type BrainView, type Intent, type Point } from "./brain.ts";
import { createFrameHeader, InputAckTimer, isStateFrame, readFrameHeader, ROOM_STATE_PATCH_CODE, tapFrames, type Deliver } from "./frame.ts";
import type { BotCounters } from "./loadtestMetrics.ts";

/** A light bot's intent loop, in ticks (20 s at 30 Hz). */
const SCRIPT_TICKS = 600;
/** Light bots share this many scripts (each starting at its own offset), so 10,000 bots do not hold 10,000 loops. */
const SCRIPT_VARIANTS = 32;
const scripts = new Map<number, Intent[]>();
/** Close code of a leave the bot asked for (CloseCode.CONSENTED). */
const CONSENTED = 4000;

export interface JoinTarget {
  client: Client;
  roomName: string;
  mode: string | undefined;
  timeoutMs: number;
}

export class Bot {
  readonly index: number;
  readonly isProbe: boolean;
  isConnected = false;
  /** Ticks this bot has sent input for; the brain's clock. */
  tick = 0;

  private readonly counters: BotCounters;
  private room: Room | undefined;
  private input: InputHandle<PlayerInput> | undefined;
  private isLeaving = false;
  private readonly acks = new InputAckTimer();
  private lastPatchAtMs = 0;
  private readonly header = createFrameHeader();
  private readonly memory: BrainMemory;
  private readonly script: Intent[] | undefined;
  /** Where in its (shared) script this light bot starts, so bots sharing a script do not move in lockstep. */
  private readonly scriptOffset: number = 0;

  constructor(index: number, isProbe: boolean, counters: BotCounters) {
    this.index = index;
    this.isProbe = isProbe;
    this.counters = counters;
    // Multiplicative hash: well-spread, distinct seeds for neighbouring indices.
    this.memory = createMemory(Math.imul(index + 1, 0x9e3779b1));
    if (isProbe) {
      this.script = undefined;
    } else {
      this.script = sharedScript(index % SCRIPT_VARIANTS);
      this.scriptOffset = (index * 37) % SCRIPT_TICKS;
    }
  }

  /** The room's advertised input rate (Hz), once joined. */
  get tickHz(): number | undefined {
    return this.input?.tickRate;
  }

  /**
   * Matchmakes and connects, with `token` as the join token when the server
   * wants one; resolves with the join time in ms, rejects on failure or timeout.
   */
  async join(target: JoinTarget, token?: string): Promise<number> {
    const started = performance.now();
    const options: Record<string, string> = { name: `bot-${this.index}` };
    if (target.mode !== undefined) options.mode = target.mode;
    if (token !== undefined) options.token = token;
    const joining = target.client.joinOrCreate(target.roomName, options);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`join timed out after ${target.timeoutMs} ms`)), target.timeoutMs);
    });
    let room: Room;
    try {
      room = await Promise.race([joining, timeout]);
    } catch (error) {
      // A join that completes after its timeout must not leave a seat behind.
      joining.then((late) => late.leave(), () => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.attach(room);
    return performance.now() - started;
  }

  /** Sends this tick's input. */
  step(): void {
    const input = this.input;
    if (!this.isConnected || input === undefined) return;
    const intent = this.script !== undefined ? this.script[(this.scriptOffset + this.tick) % SCRIPT_TICKS]! : decide(this.view(), this.tick);
    this.tick++;
    const data = input.data;
    data.seq = this.tick;
    data.moveX = intent.moveX;
    data.moveY = intent.moveY;
    data.aim = intent.aim;
    data.fire = intent.fire;
    const sentAt = performance.now();
    const seq = input.send();
    if (seq === 0) return;
    this.acks.sent(seq, sentAt);
    this.counters.inputsSent++;
  }

  /** Leaves the room (consented); closes the socket if the server does not answer within `timeoutMs`. */
  async leave(timeoutMs: number): Promise<void> {
    const room = this.room;
    if (room === undefined || !this.isConnected) return;
    this.isLeaving = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      room.leave(true),
      new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (this.isConnected) room.connection.close();
    this.isConnected = false;
  }

  private attach(room: Room): void {
    this.room = room;
    this.isConnected = true;
    // A dropped bot is counted as a disconnect and stays out: an SDK
    // reconnection would hide the drop from the report.
    room.reconnection.enabled = false;
    room.onMessage("*", () => undefined);
    room.onLeave((code) => {
      this.isConnected = false;
      if (!this.isLeaving || code !== CONSENTED) this.counters.noteDisconnect(code);
    });
    room.onError((code, message) => {
      this.counters.roomErrors++;
      this.counters.noteError(`room error ${code}: ${message ?? ""}`);
    });
    this.input = room.input<PlayerInput>();

    const connection = room.connection;
    const send = connection.send.bind(connection);
    connection.send = (data) => {
      this.counters.bytesUp += data.byteLength;
      send(data);
    };
    tapFrames(room, (event, deliver) => this.onFrame(event, deliver));
  }

  private onFrame(event: MessageEvent, deliver: Deliver): void {
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    const now = performance.now();
    const header = readFrameHeader(bytes, this.header);
    this.counters.bytesDown += bytes.byteLength;
    if (header.isTimed) {
      this.counters.inputsAcked += this.acks.ack(header.ackSeq, this.input?.sentCount ?? 0, now, this.isProbe ? this.counters : undefined);
    }
    if (header.code === ROOM_STATE_PATCH_CODE) {
      this.counters.patches++;
      if (this.lastPatchAtMs > 0) this.counters.patchInterval.record(now - this.lastPatchAtMs);
      this.lastPatchAtMs = now;
    }
    if (this.isProbe || !isStateFrame(header.code)) {
      try {
        deliver(event);
      } catch (error) {
        // One bot's bad frame must not take down the worker and every other bot on it.
        this.counters.roomErrors++;
        this.counters.noteError(`frame ${header.code} failed to decode: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else if (header.isTimed) {
      this.room?.clock.sample(header.serverNowMs, this.acks.newestRttMs);
    }
  }

  /** The brain's view of this probe bot's decoded state, in world units. */
  private view(): BrainView {
    const state = this.room?.state as ArenaState | undefined;
    const sessionId = this.room?.sessionId;
    let self: (Point & { isAlive: boolean }) | undefined;
    const enemies: Point[] = [];
    state?.players?.forEach((player, id) => {
      const point = { x: player.x / POSITION_SCALE, y: player.y / POSITION_SCALE };
      if (id === sessionId) self = { ...point, isAlive: player.isAlive };
      else if (player.isAlive) enemies.push(point);
    });
    return { self, enemies, memory: this.memory };
  }
}

function sharedScript(variant: number): Intent[] {
  let script = scripts.get(variant);
  if (script === undefined) {
    script = scriptIntents(Math.imul(variant + 1, 0x85ebca6b), SCRIPT_TICKS);
    scripts.set(variant, script);
  }
  return script;
}
