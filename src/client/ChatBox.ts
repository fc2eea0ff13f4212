import { parseChatCommand, type Recipient } from "./chatCommand.ts";
import { isFormField, listen } from "./dom.ts";

/** Lines kept in the chat log. */
const MAX_LINES = 50;

export interface ChatDeps {
  /** Players a DM can be addressed to by name. */
  recipients(): Recipient[];
  /** Sends a DM; resolves when delivered, rejects with a readable message. */
  sendDirect(to: Recipient, text: string): Promise<void>;
}

type LineKind = "dm-in" | "dm-out" | "announcement" | "info" | "error";

/**
 * The small chat box: incoming direct messages and announcements, and a line
 * to whisper (`/w name text`, `/r text`). Enter focuses it, Escape leaves it.
 */
export class ChatBox {
  private readonly log: HTMLOListElement;
  private readonly input: HTMLInputElement;
  private readonly deps: ChatDeps;
  private lastSender: Recipient | undefined;
  private readonly detach: () => void;

  constructor(log: HTMLOListElement, form: HTMLFormElement, input: HTMLInputElement, deps: ChatDeps) {
    this.log = log;
    this.input = input;
    this.deps = deps;
    const removers = [
      listen(form, "submit", (e) => {
        e.preventDefault();
        this.submit();
      }),
      listen(window, "keydown", (e) => {
        if (e.key === "Enter" && document.activeElement !== input && !isFormField(e.target)) {
          e.preventDefault();
          input.focus();
        }
      }),
      listen(input, "keydown", (e) => {
        if (e.key === "Escape") input.blur();
      }),
    ];
    this.detach = () => {
      for (const remove of removers) remove();
    };
  }

  showDirect(from: Recipient, text: string): void {
    this.lastSender = from;
    this.append("dm-in", `${from.name} whispers: ${text}`);
  }

  showAnnouncement(text: string): void {
    this.append("announcement", `📣 ${text}`);
  }

  showInfo(text: string): void {
    this.append("info", text);
  }

  showError(text: string): void {
    this.append("error", text);
  }

  /** Starts a whisper to `name` (a scoreboard click). */
  whisperTo(name: string): void {
    this.input.value = `/w ${name} `;
    this.input.focus();
  }

  dispose(): void {
    this.detach();
  }

  private submit(): void {
    const line = this.input.value;
    if (line.trim() === "") {
      this.input.blur();
      return;
    }
    const command = parseChatCommand(line, this.deps.recipients(), this.lastSender);
    if (command.kind === "invalid") {
      this.showError(command.reason);
      return;
    }
    this.input.value = "";
    this.input.blur();
    const { to, text } = command;
    this.deps.sendDirect(to, text).then(
      () => this.append("dm-out", `to ${to.name}: ${text}`),
      (error: unknown) => this.showError(`to ${to.name}: not sent (${error instanceof Error ? error.message : String(error)})`),
    );
  }

  private append(kind: LineKind, text: string): void {
    const li = document.createElement("li");
    li.className = `chat-${kind}`;
    li.textContent = text;
    this.log.append(li);
    while (this.log.childElementCount > MAX_LINES) this.log.firstElementChild?.remove();
    this.log.scrollTop = this.log.scrollHeight;
  }
}
