// Preloaded into the server by `npm run heap-check` (node --expose-gc --import): a full garbage
// collection every 10 s, then the heap that survived it, on stderr. A leak raises that figure.
setInterval(() => {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  gc();
  process.stderr.write(`heap-after-gc ${process.memoryUsage().heapUsed}\n`);
}, 10_000).unref();
