/**
 * One room: its clients, a live tick-time chart, state size and state. It
 * re-fetches /admin/api/rooms/:id on every streamed `cluster` snapshot (about
 * once a second), so it is driven by the stream, never by a timer.
 */
import { api, ApiError } from "./api.js";
import { runAction } from "./actions.js";
import { createChart } from "./charts.js";
import { byId, el, setCell, syncRows } from "./dom.js";
import { formatBytes, formatCount, formatMicros, formatMs, formatRate } from "./format.js";
import { renderJsonTree } from "./jsonTree.js";

/** Send buffers above these are a client that cannot keep up. */
const SEND_BUFFER_BYTES = [64 * 1024, 1024 * 1024];

/**
 * @param {any} c
 * @returns {HTMLTableRowElement}
 */
function createClientRow(c) {
  const kick = /** @type {HTMLButtonElement} */ (el("button", { type: "button", class: "danger kick", "data-session-id": c.sessionId }, "Kick…"));
  const row = /** @type {HTMLTableRowElement} */ (el("tr", { "data-session-id": c.sessionId }));
  row.append(el("td", {}, el("code")), el("td"), el("td", { class: "num" }), el("td", { class: "num" }), el("td", { class: "num" }), el("td", { class: "num" }, kick));
  return row;
}

/**
 * @param {HTMLTableRowElement} row
 * @param {any} c
 */
function updateClientRow(row, c) {
  const code = row.cells[0]?.firstElementChild;
  if (code && code.textContent !== c.sessionId) code.textContent = c.sessionId;
  setCell(row.cells[1], typeof c.name === "string" && c.name !== "" ? c.name : "–");
  setCell(row.cells[2], formatMs(c.rttMs), typeof c.rttMs === "number" && c.rttMs >= 250 ? "warn" : "");
  setCell(row.cells[3], formatRate(c.bytesOutPerS));
  const buffer = c.sendBufferBytes;
  setCell(row.cells[4], formatBytes(buffer), buffer >= SEND_BUFFER_BYTES[1] ? "bad" : buffer >= SEND_BUFFER_BYTES[0] ? "warn" : "");
}

export class RoomDetail {
  constructor() {
    this.idLabel = byId("room-id", HTMLElement);
    this.goneBadge = byId("room-gone", HTMLElement);
    this.error = byId("room-error", HTMLElement);
    this.disposeButton = byId("room-dispose", HTMLButtonElement);
    this.facts = {
      type: byId("room-type", HTMLElement),
      process: byId("room-process-address", HTMLElement),
      clients: byId("room-clients", HTMLElement),
      stateSize: byId("room-state-size", HTMLElement),
      simP99: byId("room-sim-p99", HTMLElement),
      patchP99: byId("room-patch-p99", HTMLElement),
    };
    this.clientRows = byId("client-rows", HTMLTableSectionElement);
    this.clientEmpty = byId("client-empty", HTMLElement);
    this.stateTree = byId("state-tree", HTMLElement);
    this.statePause = byId("state-pause", HTMLInputElement);
    /** @type {string | undefined} */
    this.roomId = undefined;
    /** @type {Set<string>} */
    this.openPaths = new Set([""]);
    /** @type {Map<string, string>} processId -> address, from the latest snapshot */
    this.addresses = new Map();
    /** @type {Promise<void> | undefined} */
    this.inFlight = undefined;
    /** @type {ReturnType<typeof createChart> | undefined} */
    this.chart = undefined;

    this.disposeButton.addEventListener("click", () => void this.dispose());
    this.clientRows.addEventListener("click", (event) => {
      const button = event.target instanceof HTMLElement ? event.target.closest("button.kick") : null;
      if (button instanceof HTMLButtonElement) void this.kick(button.dataset.sessionId ?? "", button);
    });
  }

  /** @param {string} roomId */
  open(roomId) {
    if (this.roomId !== roomId) {
      this.roomId = roomId;
      this.openPaths = new Set([""]);
      this.idLabel.textContent = roomId;
      this.clientRows.replaceChildren();
      this.stateTree.replaceChildren();
      for (const fact of Object.values(this.facts)) fact.textContent = "–";
      this.chart?.setData([[], [], []]);
      this.setGone(false);
      this.error.textContent = "";
    }
    this.chart ??= createChart(byId("chart-room-tick", HTMLElement), {
      isTime: false,
      height: 170,
      yMin: 100,
      series: [
        { label: "simulation", color: "#4cc9f0", format: formatMicros },
        { label: "patch", color: "#c77dff", format: formatMicros },
      ],
    });
    void this.refresh();
  }

  close() {
    this.roomId = undefined;
  }

  /** @param {any} snapshot a streamed `cluster` payload */
  onCluster(snapshot) {
    this.addresses = new Map((snapshot.processes ?? []).map((/** @type {any} */ p) => [p.processId, p.address]));
    if (this.roomId !== undefined) void this.refresh();
  }

  /** Fetches and renders the room; at most one request at a time. */
  refresh() {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** @private */
  async load() {
    const roomId = this.roomId;
    if (roomId === undefined) return;
    try {
      const detail = await api("GET", `/rooms/${encodeURIComponent(roomId)}`);
      if (roomId !== this.roomId) return;
      this.error.textContent = "";
      this.setGone(false);
      this.render(detail);
    } catch (error) {
      if (roomId !== this.roomId) return;
      if (error instanceof ApiError && error.status === 404) {
        this.setGone(true);
        this.error.textContent = "This room is gone: it was disposed or closed.";
      } else {
        this.error.textContent = `Could not load the room: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }

  /**
   * @private
   * @param {boolean} isGone
   */
  setGone(isGone) {
    this.goneBadge.hidden = !isGone;
    this.disposeButton.disabled = isGone;
    document.body.classList.toggle("room-is-gone", isGone);
    document.body.dataset.room = isGone ? "gone" : "present";
  }

  /**
   * @private
   * @param {any} detail
   */
  render(detail) {
    const clients = Array.isArray(detail.clients) ? detail.clients : [];
    const sim = Array.isArray(detail.tick?.simMicros) ? detail.tick.simMicros : [];
    const patch = Array.isArray(detail.tick?.patchMicros) ? detail.tick.patchMicros : [];
    this.facts.type.textContent = detail.roomType ?? "–";
    this.facts.process.textContent = this.addresses.get(detail.processId) ?? detail.processId ?? "–";
    this.facts.process.title = detail.processId ?? "";
    this.facts.clients.textContent = formatCount(clients.length);
    this.facts.stateSize.textContent = formatBytes(detail.stateSizeBytes);
    this.facts.stateSize.dataset.value = String(detail.stateSizeBytes ?? "");
    // The server computes the p99s (src/percentile.ts), so the panel and the metrics use one rank rule.
    this.facts.simP99.textContent = formatMicros(detail.tick?.simP99Micros);
    this.facts.patchP99.textContent = formatMicros(detail.tick?.patchP99Micros);

    const samples = Math.max(sim.length, patch.length);
    const x = Array.from({ length: samples }, (_, i) => i - samples + 1);
    const pad = (/** @type {number[]} */ column) => [...Array(samples - column.length).fill(null), ...column];
    this.chart?.setData([x, pad(sim), pad(patch)]);

    syncRows(this.clientRows, clients, (c) => c.sessionId, createClientRow, updateClientRow);
    this.clientEmpty.hidden = clients.length > 0;
    if (!this.statePause.checked) renderJsonTree(this.stateTree, detail.state ?? null, this.openPaths);
  }

  /** @private */
  async dispose() {
    const roomId = this.roomId;
    if (roomId === undefined) return;
    const clients = this.clientRows.rows.length;
    const ok = await runAction({
      button: this.disposeButton,
      question: {
        title: "Dispose this room?",
        message: `Room ${roomId} will close now${clients > 0 ? ` and its ${clients} client${clients === 1 ? "" : "s"} will be disconnected` : ""}. This cannot be undone.`,
        confirmLabel: "Dispose room",
      },
      run: () => api("POST", `/rooms/${encodeURIComponent(roomId)}/dispose`),
      done: `Room ${roomId} disposed.`,
      failed: `Could not dispose room ${roomId}`,
    });
    if (ok && roomId === this.roomId) await this.refresh();
  }

  /**
   * @private
   * @param {string} sessionId
   * @param {HTMLButtonElement} button
   */
  async kick(sessionId, button) {
    const roomId = this.roomId;
    if (roomId === undefined || sessionId === "") return;
    const ok = await runAction({
      button,
      question: {
        title: "Kick this client?",
        message: `Client ${sessionId} will be disconnected from room ${roomId}.`,
        confirmLabel: "Kick client",
      },
      run: () => api("POST", `/rooms/${encodeURIComponent(roomId)}/kick`, { sessionId }),
      done: `Client ${sessionId} kicked from room ${roomId}.`,
      failed: `Could not kick ${sessionId}`,
    });
    if (ok && roomId === this.roomId) await this.refresh();
  }
}
