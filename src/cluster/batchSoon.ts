/**
 * `run`, once, soon after any number of calls in the same turn of the event
 * loop: a burst of joins costs one run. It runs after the I/O that caused the
 * calls has settled, so Colyseus has counted a join or leave by then.
 */
export function batchSoon(run: () => void): () => void {
  let isQueued = false;
  return () => {
    if (isQueued) return;
    isQueued = true;
    setImmediate(() => {
      isQueued = false;
      run();
    });
  };
}
