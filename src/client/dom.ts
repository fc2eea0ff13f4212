/** The element with `id`, checked to be of the expected kind (the page and the code must agree). */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`page is missing #${id} (${kind.name})`);
  return element;
}

/** True when a key event lands in a text field, where keys are typing, not game input. */
export function isFormField(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
