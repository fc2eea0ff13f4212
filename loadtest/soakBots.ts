/**
 * The soak's bots: light SDK clients (the join handshake goes to the SDK,
 * patches are only counted) that wander, leave after 30-120 s and are
 * replaced, each join with its own signed token. They matchmake through the
 * workers round-robin; a worker that refuses the connection is skipped for a
 * few seconds and the join goes to the next one at once, as a load balancer
 * in front of the cluster would do (nginx's proxy_next_upstream): a real
 * player would not see that refusal, so it is counted as a reroute, not a
 * failed join.
 */
import { Client, type Room } from "@colyseus/sdk";
import { nextRandom } from "../src/sim/rng.ts";
import type { PlayerInput } from "../rooms/schema/ArenaState.ts";
import { signJoinToken } from "../rooms/joinToken.ts";
import { tapFrames } from "./frame.ts";
import { joinFailureReason } from "./joinFailures.ts";

const MIN_LIFETIME_MS = 30_000;
const MAX_EXTRA_LIFETIME_MS = 90_000;
/** A bot that left is replaced this much later. */
const REPLACE_AFTER_MS = 500;
/** A bot whose join failed tries again this much later. */
const RETRY_AFTER_MS = 1_000;
/** How long a worker that refused a connection is left out of the rotation. */
const ENDPOINT_DOWN_MS = 3_000;
/** Bots started per ramp step, and the pause between steps (about 100 bots/s). */
const RAMP_BATCH = 50;
const RAMP_PAUSE_MS = 500;
const TOKEN_TTL_S = 3_600;
const FIRING_CHANCE = 0.2;

export interface SoakBotsOptions {
  /** http:// base URLs of the workers. */
  endpoints: readonly string[];
  bots: number;
  inputHz: number;
  joinSecret: string;
  /** Soak clock: ms since the run started. */
  now: () => number;
}

export class SoakBots {
  joins = 0;
  /** Joins sent to the next worker after the chosen one refused or dropped the connection, by reason. */
  readonly reroutes = new Map<string, number>();
  /** Each successful join's time, matchmaking to joined room (token signing excluded), ms. */
  readonly joinMs: number[] = [];
  readonly joinFailures: { atMs: number; reason: string }[] = [];
  readonly closes: { atMs: number; code: number }[] = [];

  private readonly options: SoakBotsOptions;
  private readonly live = new Set<Room>();
  private readonly downUntil = new Map<string, number>();
  private readonly rng = { rngState: 4242 };
  private readonly runId = Math.floor(Math.random() * 0xffffffff).toString(16);
  private nextEndpoint = 0;
  private sessions = 0;
  private isStopping = false;

  constructor(options: SoakBotsOptions) {
    this.options = options;
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Starts the bots at about 100 a second; resolves once all have been started (not joined). */
  async start(): Promise<void> {
    for (let i = 0; i < this.options.bots && !this.isStopping; i++) {
      void this.runBot(i);
      if (i % RAMP_BATCH === RAMP_BATCH - 1) await new Promise((r) => setTimeout(r, RAMP_PAUSE_MS));
    }
  }

  /** No more joins or replacements; every live bot leaves. */
  async stop(): Promise<void> {
    this.isStopping = true;
    await Promise.all([...this.live].map((room) => room.leave().catch(() => undefined)));
  }

  /** The next worker in the rotation that has not refused a connection lately; any, if all have. */
  private pickEndpoint(): string {
    const { endpoints } = this.options;
    for (let tried = 0; tried < endpoints.length; tried++) {
      const endpoint = endpoints[this.nextEndpoint++ % endpoints.length]!;
      if ((this.downUntil.get(endpoint) ?? 0) <= Date.now()) return endpoint;
    }
    return endpoints[this.nextEndpoint++ % endpoints.length]!;
  }

  private async join(index: number): Promise<Room> {
    const session = ++this.sessions;
    const token = await signJoinToken(this.options.joinSecret, { playerId: `soak-${this.runId}-${session}`, name: `soak${index}`.slice(0, 16) }, TOKEN_TTL_S);
    const { endpoints } = this.options;
    const startedAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      const endpoint = this.pickEndpoint();
      try {
        const room = await new Client(endpoint.replace(/^http/, "ws")).joinOrCreate("arena", { token });
        this.joinMs.push(performance.now() - startedAt);
        return room;
      } catch (error) {
        // A string code is a network error of the HTTP request (ECONNREFUSED...): that worker is not there.
        const isRefused = typeof (error as { code?: unknown } | null)?.code === "string";
        if (!isRefused || attempt >= endpoints.length - 1) throw error;
        this.downUntil.set(endpoint, Date.now() + ENDPOINT_DOWN_MS);
        const reason = joinFailureReason(error);
        this.reroutes.set(reason, (this.reroutes.get(reason) ?? 0) + 1);
      }
    }
  }

  private async runBot(index: number): Promise<void> {
    if (this.isStopping) return;
    let room: Room;
    try {
      room = await this.join(index);
      this.joins++;
    } catch (error) {
      if (this.isStopping) return;
      this.joinFailures.push({ atMs: this.options.now(), reason: joinFailureReason(error) });
      setTimeout(() => void this.runBot(index), RETRY_AFTER_MS);
      return;
    }
    if (this.isStopping) {
      await room.leave().catch(() => undefined);
      return;
    }
    this.live.add(room);
    room.reconnection.enabled = false;
    let isFirstFrame = true;
    tapFrames(room, (event, deliver) => {
      // Only the join handshake goes to the SDK: patches are counted by the server's metrics, not decoded here.
      if (isFirstFrame) {
        isFirstFrame = false;
        deliver(event);
      }
    });
    const input = room.input<PlayerInput>();
    let seq = 0;
    const sender = setInterval(() => {
      if (!room.connection.isOpen) return;
      input.data.seq = ++seq;
      input.data.moveX = Math.floor(nextRandom(this.rng) * 3) - 1;
      input.data.moveY = Math.floor(nextRandom(this.rng) * 3) - 1;
      input.data.aim = nextRandom(this.rng) * Math.PI * 2;
      input.data.fire = nextRandom(this.rng) < FIRING_CHANCE;
      input.send();
    }, 1000 / this.options.inputHz);
    const leaveTimer = setTimeout(() => void room.leave().catch(() => undefined), MIN_LIFETIME_MS + nextRandom(this.rng) * MAX_EXTRA_LIFETIME_MS);
    room.onLeave((code: number) => {
      clearInterval(sender);
      clearTimeout(leaveTimer);
      this.live.delete(room);
      this.closes.push({ atMs: this.options.now(), code });
      if (!this.isStopping) setTimeout(() => void this.runBot(index), REPLACE_AFTER_MS);
    });
  }
}
