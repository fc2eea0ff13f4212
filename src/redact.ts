/**
 * `url` with its user name and password replaced by `***`
 * (`redis://:pw@host:6379/1` -> `redis://***@host:6379/1`), for logs and error
 * messages. Works on text that does not parse as a URL too; text without
 * credentials comes back unchanged.
 */
export function redactUrl(url: string): string {
  // Up to the last "@": a password may hold an unescaped "@", and hiding too much beats showing a secret.
  return url.replace(/^([A-Za-z][A-Za-z0-9+.\-]*:\/\/).*@/s, "$1***@");
}
