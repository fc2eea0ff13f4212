import type { PlayerInput } from "../../rooms/schema/ArenaState.ts";
import { POSITION_SCALE } from "../sim/constants.ts";
import { ChatBox } from "./ChatBox.ts";
import { sendDirectMessage } from "./directMessage.ts";
import { FrameLoop, type FrameSnapshot } from "./FrameLoop.ts";
import { HudPresenter } from "./HudPresenter.ts";
import { InputSender } from "./InputSender.ts";
import type { ArenaRoom } from "./joinArena.ts";
import { describeLeave } from "./leaveReason.ts";
import type { PredictionErrorReport } from "./OwnPrediction.ts";
import { PlayerDirectory } from "./PlayerDirectory.ts";
import { routeMessages } from "./routeMessages.ts";

const DM_TIMEOUT_MS = 5_000;

export interface SessionElements {
  canvas: HTMLCanvasElement;
  stats: HTMLElement;
  scoreboard: HTMLTableSectionElement;
  killFeed: HTMLOListElement;
  banner: HTMLElement;
  chatLog: HTMLOListElement;
  chatForm: HTMLFormElement;
  chatInput: HTMLInputElement;
  debug: HTMLElement;
}

export interface SessionEvents {
  /** The connection dropped; the SDK is reconnecting. */
  dropped(): void;
  reconnected(): void;
  /** The session is over; `message` says why (undefined when the player left on purpose). */
  ended(message: string | undefined): void;
}

/**
 * One joined arena, from the first state to the leave: builds the parts that
 * send inputs (InputSender), draw each frame (FrameLoop), show the HUD
 * (HudPresenter) and the chat (ChatBox), routes the room's messages to them
 * (routeMessages), and follows the connection (dropped, reconnected, ended).
 */
export class GameSession {
  readonly room: ArenaRoom;
  private readonly events: SessionEvents;
  private readonly sender: InputSender;
  private readonly loop: FrameLoop;
  private readonly chat: ChatBox;
  private readonly hud: HudPresenter;
  private isOver = false;

  constructor(room: ArenaRoom, elements: SessionElements, events: SessionEvents, options: { isDebug: boolean }) {
    this.room = room;
    this.events = events;
    const input = room.input<PlayerInput>({ mode: "reliable" });
    this.sender = new InputSender(input, elements.canvas, room.state.tickHz, () => this.loop.hasOwnPlayer && !room.reconnection.isReconnecting);
    this.loop = new FrameLoop(room, input, elements.canvas, this.sender, (report) => this.hud.frame(report));
    const players = new PlayerDirectory();
    this.chat = new ChatBox(elements.chatLog, elements.chatForm, elements.chatInput, {
      recipients: () => players.recipients(this.ownPlayerId()),
      sendDirect: (to, text) => sendDirectMessage(room, to, text, DM_TIMEOUT_MS),
    });
    this.hud = new HudPresenter(room, elements, players, {
      isDebug: options.isDebug,
      interpolationDelayMs: this.loop.interpolationDelayMs,
      onPickName: (name) => this.chat.whisperTo(name),
    });
    routeMessages(room, { players, chat: this.chat, kill: (killerId, victimId) => this.hud.kill(killerId, victimId) });
    room.onDrop(() => {
      this.sender.releaseAll();
      this.events.dropped();
    });
    room.onReconnect(() => {
      this.sender.restart();
      this.events.reconnected();
    });
    room.onLeave((code, reason) => this.end(describeLeave(code, reason)));
    this.loop.start();
  }

  /** Drawn by the latest frame; read by the debug hook. */
  get snapshot(): FrameSnapshot {
    return this.loop.snapshot;
  }

  /** The own player's latest authoritative position (u), as decoded. */
  serverPosition(): { x: number; y: number } | null {
    const player = this.room.state.players.get(this.room.sessionId);
    return player === undefined ? null : { x: player.x / POSITION_SCALE, y: player.y / POSITION_SCALE };
  }

  /** How far predictions were from the server's acknowledged states (see OwnPrediction). */
  predictionError(): PredictionErrorReport | undefined {
    return this.loop.predictionError();
  }

  /** The address others whisper to this player at (see Recipient). */
  private ownPlayerId(): string {
    return this.room.state.players.get(this.room.sessionId)?.playerId ?? this.room.sessionId;
  }

  private end(message: string | undefined): void {
    if (this.isOver) return;
    this.isOver = true;
    this.loop.stop();
    this.sender.dispose();
    this.chat.dispose();
    this.hud.dispose();
    this.events.ended(message);
  }
}
