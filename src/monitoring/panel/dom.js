/**
 * Small DOM helpers. Every value from the server (room ids, player names,
 * state) reaches the page through textContent, never innerHTML: player names
 * are chosen by players.
 */

/**
 * The element with `id`, checked to be of the expected kind (the page and the code must agree).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} kind
 * @returns {T}
 */
export function byId(id, kind) {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`page is missing #${id} (${kind.name})`);
  return element;
}

/**
 * Creates an element with attributes and children.
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attributes] `class`, `data-*`, `title`...; false/undefined are skipped
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children);
  return element;
}

/**
 * Makes `tbody` hold one row per item, in order, reusing the row of an item
 * seen before (same key) so focus, hover and open menus survive the
 * once-a-second refresh.
 * @template T
 * @param {HTMLTableSectionElement} tbody
 * @param {readonly T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => HTMLTableRowElement} create builds a row with its cells
 * @param {(row: HTMLTableRowElement, item: T) => void} update fills the row's cells from the item
 */
export function syncRows(tbody, items, keyOf, create, update) {
  /** @type {Map<string, HTMLTableRowElement>} */
  const existing = new Map();
  for (const row of Array.from(tbody.rows)) existing.set(row.dataset.key ?? "", row);
  /** @type {ChildNode | null} */
  let cursor = tbody.firstChild;
  for (const item of items) {
    const key = keyOf(item);
    let row = existing.get(key);
    if (row === undefined) {
      row = create(item);
      row.dataset.key = key;
    } else {
      existing.delete(key);
    }
    update(row, item);
    if (row !== cursor) tbody.insertBefore(row, cursor);
    else cursor = cursor.nextSibling;
  }
  for (const row of existing.values()) row.remove();
}

/**
 * Sets a cell's text and severity (`data-level`: "warn", "bad" or none),
 * skipping DOM writes when nothing changed.
 * @param {HTMLElement | undefined} cell
 * @param {string} text
 * @param {"" | "warn" | "bad"} [level]
 */
export function setCell(cell, text, level = "") {
  if (cell === undefined) return;
  if (cell.textContent !== text) cell.textContent = text;
  if ((cell.dataset.level ?? "") !== level) {
    if (level === "") delete cell.dataset.level;
    else cell.dataset.level = level;
  }
}
