/** Figures as an operator reads them. Missing or non-finite values show as an en dash. */

const DASH = "–";
const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/**
 * @param {unknown} value
 * @returns {value is number}
 */
function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * 1536 -> "1.5 KiB", 10240 -> "10 KiB": one decimal below 100 of a unit unless whole, none above.
 * @param {unknown} bytes
 */
export function formatBytes(bytes) {
  if (!isNumber(bytes)) return DASH;
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${bytes < 0 ? "-" : ""}${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** @param {unknown} bytesPerS */
export function formatRate(bytesPerS) {
  return isNumber(bytesPerS) ? `${formatBytes(bytesPerS)}/s` : DASH;
}

/**
 * Milliseconds with the precision that matters at each scale: 0.42 ms, 3.1 ms, 250 ms.
 * @param {unknown} ms
 */
export function formatMs(ms) {
  if (!isNumber(ms)) return DASH;
  if (ms === 0) return "0 ms";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** @param {unknown} micros */
export function formatMicros(micros) {
  if (!isNumber(micros)) return DASH;
  return micros < 1000 ? `${Math.round(micros)} µs` : formatMs(micros / 1000);
}

/** @param {unknown} pct */
export function formatPct(pct) {
  return isNumber(pct) ? `${pct < 10 ? pct.toFixed(1) : Math.round(pct)} %` : DASH;
}

/** @param {unknown} count */
export function formatCount(count) {
  return isNumber(count) ? Math.round(count).toLocaleString("en-US") : DASH;
}

/**
 * Seconds as the two largest units: "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h".
 * @param {unknown} seconds
 */
export function formatAge(seconds) {
  if (!isNumber(seconds) || seconds < 0) return DASH;
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/**
 * Local wall-clock time of an epoch-ms instant, "14:03:27".
 * @param {unknown} atMs
 */
export function formatClock(atMs) {
  if (!isNumber(atMs)) return DASH;
  return new Date(atMs).toLocaleTimeString("en-GB", { hour12: false });
}
