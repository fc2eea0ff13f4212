/**
 * The admin API, same origin. Credentials are the session cookie the login
 * route sets (HttpOnly: this script never sees the token after login), so the
 * same requests work from a logged-in page and, with no ADMIN_TOKEN, from
 * loopback.
 */

export const API_BASE = "/admin/api";

/** A non-2xx answer (status) or no answer at all (status 0), with the server's `{ error }` message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** @type {(error: ApiError) => void} */
let onUnauthorized = () => undefined;

/**
 * Called on every 401 from a guarded route (session expired, token rotated);
 * the page shows the login form again.
 * @param {(error: ApiError) => void} handler
 */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * One JSON request. Resolves the parsed body (undefined for 204); rejects
 * with an ApiError carrying the server's message.
 * @param {"GET" | "POST" | "DELETE"} method
 * @param {string} path under /admin/api, e.g. "/cluster"
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {RequestInit} */
  const init = { method, credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers = { accept: "application/json", "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${API_BASE}${path}`, init);
  } catch {
    throw new ApiError(0, "the server did not answer (network error)");
  }
  const text = await response.text();
  /** @type {any} */
  let data;
  try {
    data = text === "" ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const message = typeof data?.error === "string" ? data.error : `HTTP ${response.status} ${response.statusText}`.trim();
    const error = new ApiError(response.status, message);
    if (response.status === 401 && path !== "/session") onUnauthorized(error);
    throw error;
  }
  return data;
}

/**
 * Whether the panel needs a login. Reachable without credentials.
 * @returns {Promise<{ required: boolean, loopbackOnly: boolean, authenticated: boolean }>}
 */
export function fetchAuth() {
  return api("GET", "/auth");
}

/** @param {string} token */
export function logIn(token) {
  return api("POST", "/session", { token });
}

export function logOut() {
  return api("DELETE", "/session");
}
