/** The overview: cluster totals, 15-minute charts, and one row per process. */
import { BYTE_INCRS, COUNT_INCRS, createChart } from "./charts.js";
import { byId, el, setCell, syncRows } from "./dom.js";
import { formatBytes, formatCount, formatMs, formatPct, formatRate } from "./format.js";

/**
 * Severity of a figure against warn/bad thresholds.
 * @param {unknown} value
 * @param {number} warnAt
 * @param {number} badAt
 * @returns {"" | "warn" | "bad"}
 */
function levelOf(value, warnAt, badAt) {
  if (typeof value !== "number") return "";
  return value >= badAt ? "bad" : value >= warnAt ? "warn" : "";
}

/** Thresholds an operator should notice. Tick: the budget at the default 30 Hz is 33 ms. */
const CPU_PCT = [70, 90];
const LOOP_LAG_MS = [30, 100];
const TICK_MS = [16, 33];

/**
 * @param {HTMLElement} figure
 * @param {number | undefined} value
 * @param {(v: unknown) => string} format
 */
function setFigure(figure, value, format) {
  figure.textContent = format(value);
  figure.dataset.value = value === undefined ? "" : String(value);
}

/**
 * @param {any} p
 * @returns {HTMLTableRowElement}
 */
function createProcessRow(p) {
  const row = /** @type {HTMLTableRowElement} */ (el("tr", { "data-process-id": p.processId }));
  row.append(
    el("td", {}, el("span", { class: "address" }), el("span", { class: "sub" })),
    ...["ccu", "rooms", "cpu", "rss", "lag", "tick", "out"].map((name) => el("td", { class: "num", "data-col": name })),
    el("td", { "data-col": "state" }),
  );
  return row;
}

/**
 * @param {HTMLTableRowElement} row
 * @param {any} p
 */
function updateProcessRow(row, p) {
  const cells = row.cells;
  const address = /** @type {HTMLElement} */ (cells[0]?.firstChild);
  const sub = /** @type {HTMLElement} */ (cells[0]?.lastChild);
  if (address.textContent !== p.address) address.textContent = p.address;
  if (sub.textContent !== p.processId) sub.textContent = p.processId;
  setCell(cells[1], formatCount(p.ccu));
  setCell(cells[2], formatCount(p.rooms));
  setCell(cells[3], formatPct(p.cpuPct), levelOf(p.cpuPct, CPU_PCT[0], CPU_PCT[1]));
  setCell(cells[4], formatBytes(p.rssBytes));
  setCell(cells[5], formatMs(p.eventLoopLagP99Ms), levelOf(p.eventLoopLagP99Ms, LOOP_LAG_MS[0], LOOP_LAG_MS[1]));
  setCell(cells[6], formatMs(p.tickP99Ms), levelOf(p.tickP99Ms, TICK_MS[0], TICK_MS[1]));
  setCell(cells[7], formatRate(p.bytesOutPerS));
  const stateCell = cells[8];
  if (stateCell !== undefined) {
    const badges = [];
    if (p.stale) badges.push(el("span", { class: "badge bad" }, "stale"));
    if (p.draining) badges.push(el("span", { class: "badge warn" }, "draining"));
    if (p.redis === "down") badges.push(el("span", { class: "badge bad" }, "redis down"));
    if (badges.length === 0) badges.push(el("span", { class: "badge" }, "ok"));
    const label = badges.map((b) => b.textContent).join(" ");
    if (stateCell.dataset.label !== label) {
      stateCell.dataset.label = label;
      stateCell.replaceChildren(...badges);
    }
    stateCell.title = typeof p.ageMs === "number" ? `last report ${(p.ageMs / 1000).toFixed(1)} s ago` : "";
  }
  row.classList.toggle("is-stale", p.stale === true);
}

export class Overview {
  constructor() {
    this.totals = {
      processes: byId("total-processes", HTMLElement),
      processesNote: byId("total-processes-note", HTMLElement),
      ccu: byId("total-ccu", HTMLElement),
      rooms: byId("total-rooms", HTMLElement),
      bytes: byId("total-bytes", HTMLElement),
    };
    this.rows = byId("process-rows", HTMLTableSectionElement);
    this.empty = byId("process-empty", HTMLElement);
    /** @type {ReturnType<typeof createChart>[]} */
    this.charts = [];
  }

  /**
   * Creates the charts once their containers have a width (the view is shown).
   * @param {() => [number, number] | null} xRange
   */
  ensureCharts(xRange) {
    if (this.charts.length > 0) return;
    const common = { isTime: true, height: 170, xRange };
    this.charts = [
      createChart(byId("chart-ccu", HTMLElement), { ...common, yMin: 5, yIncrs: COUNT_INCRS, series: [{ label: "CCU", color: "#4cc9f0", format: formatCount }] }),
      createChart(byId("chart-tick", HTMLElement), { ...common, yMin: 1, series: [{ label: "tick p99", color: "#ffd166", format: formatMs }] }),
      createChart(byId("chart-bytes", HTMLElement), { ...common, yMin: 1024, yIncrs: BYTE_INCRS, series: [{ label: "out", color: "#80ed99", format: formatRate }] }),
    ];
  }

  /** @param {ReturnType<import("./history.js").History["columns"]>} columns */
  renderCharts(columns) {
    const [ccu, tick, bytes] = this.charts;
    ccu?.setData([columns.x, columns.ccu]);
    tick?.setData([columns.x, columns.tickP99Ms]);
    bytes?.setData([columns.x, columns.bytesOutPerS]);
  }

  /** @param {any} snapshot the `cluster` payload */
  render(snapshot) {
    const processes = Array.isArray(snapshot.processes) ? snapshot.processes : [];
    const totals = snapshot.totals ?? {};
    setFigure(this.totals.processes, totals.processes, formatCount);
    const stale = processes.filter((/** @type {any} */ p) => p.stale).length;
    const draining = processes.filter((/** @type {any} */ p) => p.draining).length;
    this.totals.processesNote.textContent = [draining > 0 ? `${draining} draining` : "", stale > 0 ? `${stale} stale` : ""].filter(Boolean).join(", ") || "all reporting";
    setFigure(this.totals.ccu, totals.ccu, formatCount);
    setFigure(this.totals.rooms, totals.rooms, formatCount);
    setFigure(this.totals.bytes, totals.bytesOutPerS, formatRate);
    const sorted = [...processes].sort((a, b) => String(a.address).localeCompare(String(b.address), "en", { numeric: true }));
    syncRows(this.rows, sorted, (p) => p.processId, createProcessRow, updateProcessRow);
    this.empty.hidden = processes.length > 0;
  }
}
