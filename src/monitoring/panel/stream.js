/**
 * The live cluster stream (Server-Sent Events) with its own reconnection.
 *
 * EventSource retries by itself only after a network error; after an HTTP
 * error (401 once the session ends, 502 from a proxy, a restarting server)
 * it gives up for good. So every error closes the source and this class
 * reconnects with capped, jittered backoff, asking `canReconnect` first (the
 * page checks the session there). A stream that stays open but goes quiet
 * (a half-open connection) is caught by a watchdog: the server sends a
 * `cluster` event about once a second, so silence for QUIET_LIMIT_MS means
 * the connection is dead.
 */

const QUIET_LIMIT_MS = 6_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 8_000;

/** @typedef {"connecting" | "live" | "reconnecting" | "stopped"} StreamStatus */

export class ClusterStream {
  /**
   * @param {object} options
   * @param {string} options.url
   * @param {(snapshot: any) => void} options.onCluster every `cluster` event, parsed
   * @param {(status: StreamStatus, retryInMs?: number) => void} options.onStatus
   * @param {() => Promise<boolean>} options.canReconnect false stops the stream (e.g. logged out)
   */
  constructor({ url, onCluster, onStatus, canReconnect }) {
    this.url = url;
    this.onCluster = onCluster;
    this.onStatus = onStatus;
    this.canReconnect = canReconnect;
    /** @type {EventSource | undefined} */
    this.source = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.quietTimer = undefined;
    this.failures = 0;
    this.isRunning = false;
    /** Connections opened so far; 1 is the first, more are reconnections. */
    this.connections = 0;
  }

  start() {
    if (this.isRunning) return;
    this.isRunning = true;
    this.failures = 0;
    this.open();
  }

  stop() {
    this.isRunning = false;
    this.closeSource();
    clearTimeout(this.retryTimer);
    this.onStatus("stopped");
  }

  /** @private */
  open() {
    this.closeSource();
    this.onStatus(this.connections === 0 ? "connecting" : "reconnecting");
    this.connections++;
    const source = new EventSource(this.url, { withCredentials: true });
    this.source = source;
    this.armWatchdog();
    source.addEventListener("cluster", (event) => {
      if (source !== this.source) return;
      let snapshot;
      try {
        snapshot = JSON.parse(/** @type {MessageEvent} */ (event).data);
      } catch {
        return;
      }
      this.failures = 0;
      this.armWatchdog();
      this.onStatus("live");
      this.onCluster(snapshot);
    });
    source.addEventListener("error", () => {
      if (source === this.source) this.fail();
    });
  }

  /** @private */
  armWatchdog() {
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.fail(), QUIET_LIMIT_MS);
  }

  /** @private */
  closeSource() {
    clearTimeout(this.quietTimer);
    this.source?.close();
    this.source = undefined;
  }

  /** @private */
  fail() {
    if (!this.isRunning) return;
    this.closeSource();
    clearTimeout(this.retryTimer);
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.failures);
    const delayMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.failures++;
    this.onStatus("reconnecting", delayMs);
    this.retryTimer = setTimeout(async () => {
      if (!this.isRunning) return;
      let canGoOn = true;
      try {
        canGoOn = await this.canReconnect();
      } catch {
        // The check itself failed (server still down): keep trying.
      }
      if (!this.isRunning) return;
      if (canGoOn) this.open();
      else this.stop();
    }, delayMs);
  }
}
