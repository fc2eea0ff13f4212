/** The rooms table: every room in the cluster, sortable by any column, filtered by text and process. */
import { byId, el, setCell, syncRows } from "./dom.js";
import { formatAge, formatCount, formatMs, formatRate } from "./format.js";

/** Columns that start descending on first click (bigger is more interesting). */
const NUMERIC_KEYS = new Set(["clients", "tickP99Ms", "bytesOutPerS", "ageS"]);

/**
 * @typedef {object} RoomRow
 * @property {string} roomId
 * @property {string} roomType
 * @property {string} processId
 * @property {string} process the process's address (its id when unknown)
 * @property {number} clients
 * @property {number} maxClients
 * @property {number} tickP99Ms
 * @property {number} bytesOutPerS
 * @property {number} ageS
 * @property {boolean} locked
 */

/**
 * Rows for the table: the snapshot's rooms with their process's address, filtered, sorted.
 * @param {any} snapshot
 * @param {{ text: string, processId: string, key: string, descending: boolean }} view
 * @returns {RoomRow[]}
 */
function roomRows(snapshot, view) {
  /** @type {Map<string, string>} */
  const addresses = new Map();
  for (const p of snapshot.processes ?? []) addresses.set(p.processId, p.address);
  const needle = view.text.trim().toLowerCase();
  /** @type {RoomRow[]} */
  const rows = [];
  for (const r of snapshot.rooms ?? []) {
    const row = { ...r, process: addresses.get(r.processId) ?? r.processId };
    if (view.processId !== "" && r.processId !== view.processId) continue;
    if (needle !== "" && ![row.roomId, row.roomType, row.process, row.processId].some((s) => String(s).toLowerCase().includes(needle))) continue;
    rows.push(row);
  }
  const sign = view.descending ? -1 : 1;
  rows.sort((a, b) => {
    const x = /** @type {any} */ (a)[view.key];
    const y = /** @type {any} */ (b)[view.key];
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "en", { numeric: true });
    return order !== 0 ? sign * order : a.roomId.localeCompare(b.roomId);
  });
  return rows;
}

/**
 * @param {RoomRow} r
 * @returns {HTMLTableRowElement}
 */
function createRoomRow(r) {
  const link = el("a", { href: `#/rooms/${encodeURIComponent(r.roomId)}` }, el("code", {}));
  const row = /** @type {HTMLTableRowElement} */ (el("tr", { "data-room-id": r.roomId }));
  row.append(el("td", {}, link), el("td"), el("td"), ...[0, 1, 2, 3].map(() => el("td", { class: "num" })));
  return row;
}

/**
 * @param {HTMLTableRowElement} row
 * @param {RoomRow} r
 */
function updateRoomRow(row, r) {
  const code = row.cells[0]?.querySelector("code");
  if (code && code.textContent !== r.roomId) code.textContent = r.roomId;
  setCell(row.cells[1], r.roomType);
  setCell(row.cells[2], r.process);
  const full = typeof r.maxClients === "number" ? ` / ${formatCount(r.maxClients)}` : "";
  setCell(row.cells[3], `${r.locked ? "🔒 " : ""}${formatCount(r.clients)}${full}`);
  setCell(row.cells[4], formatMs(r.tickP99Ms), r.tickP99Ms >= 33 ? "bad" : r.tickP99Ms >= 16 ? "warn" : "");
  setCell(row.cells[5], formatRate(r.bytesOutPerS));
  setCell(row.cells[6], formatAge(r.ageS));
}

export class RoomsTable {
  constructor() {
    this.rows = byId("room-rows", HTMLTableSectionElement);
    this.empty = byId("room-empty", HTMLElement);
    this.count = byId("room-count", HTMLElement);
    this.filter = byId("room-filter", HTMLInputElement);
    this.processSelect = byId("room-process", HTMLSelectElement);
    this.headers = Array.from(byId("room-table", HTMLTableElement).tHead?.rows[0]?.cells ?? []);
    this.view = { text: "", processId: "", key: "clients", descending: true };
    /** @type {any} */
    this.snapshot = undefined;
    this.isVisible = false;

    this.filter.addEventListener("input", () => {
      this.view.text = this.filter.value;
      this.render();
    });
    this.processSelect.addEventListener("change", () => {
      this.view.processId = this.processSelect.value;
      this.render();
    });
    for (const th of this.headers) {
      th.querySelector("button")?.addEventListener("click", () => this.sortBy(th.dataset.sort ?? "roomId"));
    }
    this.renderSortMarks();
  }

  /** @param {string} key */
  sortBy(key) {
    if (this.view.key === key) this.view.descending = !this.view.descending;
    else {
      this.view.key = key;
      this.view.descending = NUMERIC_KEYS.has(key);
    }
    this.renderSortMarks();
    this.render();
  }

  /** @private */
  renderSortMarks() {
    for (const th of this.headers) {
      if (th.dataset.sort === this.view.key) th.setAttribute("aria-sort", this.view.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
  }

  /** @param {any} snapshot */
  update(snapshot) {
    this.snapshot = snapshot;
    if (this.isVisible) this.render();
  }

  /** @param {boolean} isVisible */
  setVisible(isVisible) {
    this.isVisible = isVisible;
    if (isVisible) this.render();
  }

  render() {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return;
    this.syncProcessOptions(snapshot.processes ?? []);
    const rows = roomRows(snapshot, this.view);
    syncRows(this.rows, rows, (r) => r.roomId, createRoomRow, updateRoomRow);
    const total = (snapshot.rooms ?? []).length;
    this.count.textContent = rows.length === total ? `(${total})` : `(${rows.length} of ${total})`;
    this.empty.hidden = rows.length > 0;
    this.empty.textContent = total === 0 ? "No rooms are open." : "No room matches the filter.";
  }

  /**
   * @private
   * @param {any[]} processes
   */
  syncProcessOptions(processes) {
    const wanted = [...processes].sort((a, b) => String(a.address).localeCompare(String(b.address), "en", { numeric: true }));
    const current = Array.from(this.processSelect.options).slice(1).map((o) => `${o.value}=${o.textContent}`).join("|");
    if (current === wanted.map((p) => `${p.processId}=${p.address}`).join("|")) return;
    const selected = this.processSelect.value;
    this.processSelect.replaceChildren(
      el("option", { value: "" }, "all"),
      ...wanted.map((p) => el("option", { value: p.processId }, p.address)),
    );
    // A process that left keeps its filter (showing nothing) rather than silently widening it.
    if (selected !== "" && !wanted.some((p) => p.processId === selected)) {
      this.processSelect.append(el("option", { value: selected }, `${selected} (gone)`));
    }
    this.processSelect.value = selected;
  }
}
