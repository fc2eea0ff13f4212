/**
 * Operator actions: every one asks for confirmation in a modal dialog and
 * reports its outcome (the server's message on failure) in a notice.
 */
import { byId, el } from "./dom.js";

const NOTICE_MS = { ok: 8_000, error: 20_000 };
const MAX_NOTICES = 5;

const dialog = byId("confirm", HTMLDialogElement);
const dialogTitle = byId("confirm-title", HTMLElement);
const dialogMessage = byId("confirm-message", HTMLElement);
const dialogOk = byId("confirm-ok", HTMLButtonElement);
const notices = byId("notices", HTMLOListElement);
/** Numbers notices in order (data-seq), so a reader can tell a new one from an old one. */
let noticeSeq = 0;

/**
 * Shows a notice in the corner; errors stay longer.
 * @param {"ok" | "error"} kind
 * @param {string} text
 */
export function notify(kind, text) {
  noticeSeq++;
  const item = el("li", { "data-kind": kind, "data-seq": String(noticeSeq), role: kind === "error" ? "alert" : undefined }, text);
  notices.append(item);
  while (notices.children.length > MAX_NOTICES) notices.firstElementChild?.remove();
  setTimeout(() => item.remove(), NOTICE_MS[kind]);
}

/**
 * Asks the operator; resolves true only on the confirming button.
 * @param {{ title: string, message: string, confirmLabel: string }} question
 * @returns {Promise<boolean>}
 */
function confirmAction({ title, message, confirmLabel }) {
  dialogTitle.textContent = title;
  dialogMessage.textContent = message;
  dialogOk.textContent = confirmLabel;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}

/**
 * Confirm, run, report. The button is disabled while the request runs.
 * @param {object} action
 * @param {HTMLButtonElement} [action.button]
 * @param {{ title: string, message: string, confirmLabel: string }} action.question
 * @param {() => Promise<unknown>} action.run
 * @param {string} action.done the notice on success
 * @param {string} action.failed prefix of the notice on failure, before the server's message
 * @returns {Promise<boolean>} whether it ran and succeeded
 */
export async function runAction({ button, question, run, done, failed }) {
  if (!(await confirmAction(question))) return false;
  if (button !== undefined) button.disabled = true;
  try {
    await run();
    notify("ok", done);
    return true;
  } catch (error) {
    notify("error", `${failed}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    if (button !== undefined) button.disabled = false;
  }
}
