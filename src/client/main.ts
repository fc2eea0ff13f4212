import { installDebugHook, type OverlayName } from "./debugHook.ts";
import { byId } from "./dom.ts";
import { GameSession, type SessionElements } from "./GameSession.ts";
import { describeJoinError, joinArena, type JoinChoice } from "./joinArena.ts";
import { DM_TEXT_MAX_CHARS } from "../../rooms/messages.ts";
import { PLAYER_NAME_MAX_CHARS } from "../identifiers.ts";

/** Browser entry: the join form, the game session, and the reconnecting / disconnected screens. */

const NAME_STORAGE_KEY = "arena.name";

const elements: SessionElements = {
  canvas: byId("arena", HTMLCanvasElement),
  stats: byId("stats", HTMLElement),
  scoreboard: byId("scores", HTMLTableSectionElement),
  killFeed: byId("killfeed", HTMLOListElement),
  banner: byId("banner", HTMLElement),
  chatLog: byId("chat-log", HTMLOListElement),
  chatForm: byId("chat-form", HTMLFormElement),
  chatInput: byId("chat-input", HTMLInputElement),
  debug: byId("debug", HTMLElement),
};
const lobby = byId("lobby", HTMLElement);
const joinForm = byId("join-form", HTMLFormElement);
const nameInput = byId("name", HTMLInputElement);
const modeSelect = byId("mode", HTMLSelectElement);
const joinButton = byId("join", HTMLButtonElement);
const joinError = byId("join-error", HTMLElement);
const reconnecting = byId("reconnecting", HTMLElement);
const disconnected = byId("disconnected", HTMLElement);
const disconnectedReason = byId("disconnected-reason", HTMLElement);
const playAgain = byId("play-again", HTMLButtonElement);
// The server's limits, from their one definition: the page carries none of its own.
nameInput.maxLength = PLAYER_NAME_MAX_CHARS;
elements.chatInput.maxLength = DM_TEXT_MAX_CHARS;

const isDebug = new URLSearchParams(location.search).has("debug");
// Matchmaking goes to wherever this page came from (origin and path, so a
// proxy prefix works); the SDK then follows the seat reservation to the room.
const endpoint = new URL(".", location.href).href;

let overlay: OverlayName = "lobby";
let session: GameSession | undefined;
let lastChoice: JoinChoice | undefined;

function show(next: OverlayName): void {
  overlay = next;
  lobby.hidden = next !== "lobby" && next !== "joining";
  joinButton.disabled = next === "joining";
  reconnecting.hidden = next !== "reconnecting";
  disconnected.hidden = next !== "disconnected";
  document.body.classList.toggle("playing", next === "none" || next === "reconnecting");
}

async function play(choice: JoinChoice): Promise<void> {
  lastChoice = choice;
  joinError.textContent = "";
  show("joining");
  try {
    const room = await joinArena(endpoint, choice);
    session = new GameSession(room, elements, {
      dropped: () => show("reconnecting"),
      reconnected: () => show("none"),
      ended: (message) => {
        session = undefined;
        if (message === undefined) {
          show("lobby");
          return;
        }
        disconnectedReason.textContent = message;
        show("disconnected");
        playAgain.focus();
      },
    }, { isDebug });
    show("none");
    elements.canvas.focus();
  } catch (error) {
    joinError.textContent = `Could not join: ${describeJoinError(error)}`;
    show("lobby");
  }
}

joinForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const name = nameInput.value.trim();
  try {
    localStorage.setItem(NAME_STORAGE_KEY, name);
  } catch {
    // Storage may be disabled; the name is only a convenience.
  }
  void play({ name, mode: modeSelect.value });
});

playAgain.addEventListener("click", () => {
  if (lastChoice !== undefined) void play(lastChoice);
  else show("lobby");
});

try {
  nameInput.value = localStorage.getItem(NAME_STORAGE_KEY) ?? "";
} catch {
  // See above.
}
installDebugHook({ session: () => session, overlay: () => overlay });
show("lobby");
nameInput.focus();
