/**
 * The operator panel's entry: access (login or loopback), the live stream,
 * hash routing between the overview, the rooms table and a room's detail,
 * and the announcement form. Plain ES modules, no build step; uPlot is the
 * global from /panel/vendor/uPlot.iife.min.js.
 */
import { api, ApiError, fetchAuth, logIn, logOut, setUnauthorizedHandler, API_BASE } from "./api.js";
import { notify, runAction } from "./actions.js";
import { byId } from "./dom.js";
import { formatClock } from "./format.js";
import { History, pointOf } from "./history.js";
import { Overview } from "./overview.js";
import { RoomDetail } from "./roomDetail.js";
import { RoomsTable } from "./rooms.js";
import { ClusterStream } from "./stream.js";

/** @typedef {"loading" | "login" | "blocked" | "overview" | "rooms" | "room"} ViewName */

const VIEWS = /** @type {const} */ (["loading", "login", "blocked", "overview", "rooms", "room"]);

const accessNote = byId("access-note", HTMLElement);
const streamStatus = byId("stream-status", HTMLElement);
const updatedAt = byId("updated-at", HTMLElement);
const logoutButton = byId("logout", HTMLButtonElement);
const loginForm = byId("login-form", HTMLFormElement);
const tokenInput = byId("token", HTMLInputElement);
const loginSubmit = byId("login-submit", HTMLButtonElement);
const loginError = byId("login-error", HTMLElement);
const blockedMessage = byId("blocked-message", HTMLElement);
const blockedRetry = byId("blocked-retry", HTMLButtonElement);
const announceForm = byId("announce-form", HTMLFormElement);
const announceText = byId("announce-text", HTMLInputElement);
const announceSend = byId("announce-send", HTMLButtonElement);

const overview = new Overview();
const rooms = new RoomsTable();
const detail = new RoomDetail();
const history = new History();

/** @type {any} the latest `cluster` payload */
let latest;
let isPanelRunning = false;
/** ADMIN_TOKEN is set: the page offers a log-out button while the panel runs. */
let isLoginRequired = false;
let hasBeenLive = false;

const stream = new ClusterStream({
  url: `${API_BASE}/stream`,
  onCluster: applySnapshot,
  onStatus: showStreamStatus,
  canReconnect: checkStillAllowed,
});

/** @param {ViewName} name */
function showView(name) {
  document.body.dataset.view = name;
  logoutButton.hidden = !(isLoginRequired && isPanelRunning);
  for (const view of VIEWS) byId(`${view}-view`, HTMLElement).hidden = view !== name;
  for (const tab of document.querySelectorAll(".tabs a")) {
    const isCurrent = tab instanceof HTMLElement && (tab.dataset.tab === name || (name === "room" && tab.dataset.tab === "rooms"));
    if (isCurrent) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  rooms.setVisible(name === "rooms");
  if (name !== "room") detail.close();
  if (name === "overview") {
    overview.ensureCharts(() => history.window());
    overview.renderCharts(history.columns());
    if (latest !== undefined) overview.render(latest);
  }
}

/** Reads the hash: #/overview, #/rooms, #/rooms/<roomId>. */
function route() {
  if (!isPanelRunning) return;
  const match = /^#\/rooms\/(.+)$/.exec(location.hash);
  if (match?.[1] !== undefined) {
    showView("room");
    detail.open(decodeURIComponent(match[1]));
  } else if (location.hash === "#/rooms") {
    showView("rooms");
  } else {
    showView("overview");
  }
}

/**
 * @param {import("./stream.js").StreamStatus} status
 * @param {number} [retryInMs]
 */
function showStreamStatus(status, retryInMs) {
  const wasLive = streamStatus.dataset.status === "live";
  streamStatus.dataset.status = status;
  document.body.dataset.stream = status;
  streamStatus.textContent = {
    connecting: "connecting…",
    live: "live",
    reconnecting: retryInMs === undefined ? "reconnecting…" : `stream lost · retrying in ${Math.max(1, Math.round(retryInMs / 1000))} s`,
    stopped: "stopped",
  }[status];
  if (status === "live" && !wasLive) {
    // After a gap, the server's history fills the charts' missing minutes.
    if (hasBeenLive) void loadHistory();
    hasBeenLive = true;
  }
}

/** @param {any} snapshot */
function applySnapshot(snapshot) {
  if (!isPanelRunning || typeof snapshot?.at !== "number") return;
  latest = snapshot;
  updatedAt.textContent = `updated ${formatClock(snapshot.at)}`;
  history.append(pointOf(snapshot));
  const view = document.body.dataset.view;
  if (view === "overview") {
    overview.render(snapshot);
    overview.renderCharts(history.columns());
  }
  rooms.update(snapshot);
  detail.onCluster(snapshot);
}

async function loadHistory() {
  try {
    const { points } = await api("GET", "/history");
    if (!Array.isArray(points)) return;
    history.merge(points);
    if (document.body.dataset.view === "overview") overview.renderCharts(history.columns());
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) notify("error", `Could not load the charts' history: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Before reconnecting the stream: is this page still allowed in? If not, show why. */
async function checkStillAllowed() {
  const auth = await fetchAuth();
  if (auth.required && !auth.authenticated) {
    showLogin("Your session has ended. Log in again.");
    return false;
  }
  return true;
}

/** @param {{ required: boolean, loopbackOnly: boolean }} auth */
function showAccessNote(auth) {
  accessNote.hidden = !auth.loopbackOnly;
  accessNote.textContent = auth.loopbackOnly
    ? "ADMIN_TOKEN is not set: this panel, its API and its stream answer requests from this machine (loopback) only. Set ADMIN_TOKEN to reach it from elsewhere, behind a login."
    : "";
  isLoginRequired = auth.required;
}

/** @param {string} [message] */
function showLogin(message = "") {
  stopPanel();
  showView("login");
  loginError.textContent = message;
  tokenInput.focus();
}

/** @param {string} message */
function showBlocked(message) {
  stopPanel();
  showView("blocked");
  blockedMessage.textContent = message;
}

async function startPanel() {
  isPanelRunning = true;
  hasBeenLive = false;
  try {
    // One fetch for an immediate first paint; from then on the stream alone updates the page.
    const [snapshot] = await Promise.all([api("GET", "/cluster"), loadHistory()]);
    applySnapshot(snapshot);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    if (error instanceof ApiError && error.status === 403) {
      showBlocked(error.message);
      return;
    }
    notify("error", `Could not load the cluster: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPanelRunning) return;
  stream.start();
  route();
}

function stopPanel() {
  if (isPanelRunning) stream.stop();
  isPanelRunning = false;
  latest = undefined;
  detail.close();
}

async function boot() {
  showView("loading");
  let auth;
  try {
    auth = await fetchAuth();
  } catch (error) {
    showBlocked(error instanceof ApiError && error.status === 403
      ? error.message
      : `The server did not answer (${error instanceof Error ? error.message : String(error)}).`);
    return;
  }
  showAccessNote(auth);
  if (auth.required && !auth.authenticated) showLogin();
  else await startPanel();
}

loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  loginSubmit.disabled = true;
  loginError.textContent = "";
  try {
    await logIn(tokenInput.value);
    tokenInput.value = "";
    await boot();
  } catch (error) {
    loginError.textContent = error instanceof ApiError && error.status === 401
      ? "Wrong token."
      : `Could not log in: ${error instanceof Error ? error.message : String(error)}`;
    tokenInput.select();
  } finally {
    loginSubmit.disabled = false;
  }
});

logoutButton.addEventListener("click", async () => {
  try {
    await logOut();
  } catch (error) {
    notify("error", `Could not log out: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  showLogin("Logged out.");
});

blockedRetry.addEventListener("click", () => void boot());

announceForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = announceText.value.trim();
  if (text === "") return;
  const ok = await runAction({
    button: announceSend,
    question: { title: "Send to everyone?", message: `Every player in every arena will see: “${text}”`, confirmLabel: "Send announcement" },
    run: () => api("POST", "/announce", { text }),
    done: "Announcement sent to everyone.",
    failed: "Could not send the announcement",
  });
  if (ok) announceText.value = "";
});

setUnauthorizedHandler(() => {
  if (isPanelRunning) showLogin("Your session has ended. Log in again.");
});
window.addEventListener("hashchange", route);
void boot();
