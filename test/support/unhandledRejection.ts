// Preloaded (node --import) into a server process by the containment test: a
// promise rejection that nothing handles, shortly after start. Test-only.
setTimeout(() => {
  void Promise.reject(new Error("deliberate unhandled rejection from the containment test"));
}, 500);
