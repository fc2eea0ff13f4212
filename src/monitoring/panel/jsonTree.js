/**
 * A room's state as a collapsible JSON tree. Only open nodes are built (a
 * closed node's children are built when it is opened), so a big state costs
 * what the operator looks at; which nodes are open survives re-rendering.
 */
import { el } from "./dom.js";

/** Children shown per node; the rest are summarised (a huge map would freeze the page). */
const MAX_CHILDREN = 500;
const MAX_STRING_CHARS = 300;

/**
 * @param {unknown} value
 * @returns {HTMLElement}
 */
function primitive(value) {
  if (value === null) return el("span", { class: "t-null" }, "null");
  if (typeof value === "string") {
    const shown = value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS)}…` : value;
    return el("span", { class: "t-string" }, JSON.stringify(shown));
  }
  if (typeof value === "number" || typeof value === "boolean") return el("span", { class: `t-${typeof value}` }, String(value));
  return el("span", { class: "t-null" }, String(value));
}

/**
 * @param {object} value
 * @returns {[string, unknown][]}
 */
function entriesOf(value) {
  return Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
}

/**
 * @param {string} key
 * @param {unknown} value
 * @param {string} path
 * @param {Set<string>} openPaths
 * @returns {HTMLElement}
 */
function node(key, value, path, openPaths) {
  if (value === null || typeof value !== "object") {
    return el("div", { class: "leaf" }, el("span", { class: "key" }, key), ": ", primitive(value));
  }
  const entries = entriesOf(value);
  const meta = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  const details = /** @type {HTMLDetailsElement} */ (el("details", { "data-path": path }, el("summary", {}, el("span", { class: "key" }, key), " ", el("span", { class: "meta" }, meta))));
  let isBuilt = false;
  const build = () => {
    if (isBuilt) return;
    isBuilt = true;
    for (const [childKey, childValue] of entries.slice(0, MAX_CHILDREN)) {
      details.append(node(childKey, childValue, `${path}/${childKey.replaceAll("~", "~0").replaceAll("/", "~1")}`, openPaths));
    }
    if (entries.length > MAX_CHILDREN) details.append(el("div", { class: "leaf meta" }, `… ${entries.length - MAX_CHILDREN} more`));
  };
  if (openPaths.has(path)) {
    details.open = true;
    build();
  }
  details.addEventListener("toggle", () => {
    if (details.open) {
      openPaths.add(path);
      build();
    } else {
      openPaths.delete(path);
    }
  });
  return details;
}

/**
 * Renders `value` into `container`, replacing what was there and keeping the scroll position.
 * @param {HTMLElement} container
 * @param {unknown} value
 * @param {Set<string>} openPaths JSON-pointer-like paths of open nodes ("" is the root); updated as the operator toggles
 */
export function renderJsonTree(container, value, openPaths) {
  const scrollTop = container.scrollTop;
  container.replaceChildren(node("state", value, "", openPaths));
  container.scrollTop = scrollTop;
}
