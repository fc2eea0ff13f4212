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

/** Adds `listener` to `target`; the returned function removes it again. */
export function listen<K extends keyof WindowEventMap>(target: Window, type: K, listener: (e: WindowEventMap[K]) => void): () => void;
export function listen<K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, listener: (e: HTMLElementEventMap[K]) => void): () => void;
export function listen(target: EventTarget, type: string, listener: (e: Event) => void): () => void {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}
