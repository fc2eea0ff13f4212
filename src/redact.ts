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

/**
 * `text` with the credentials of every URL in it replaced by `***`, for text
 * with URLs among other words (an error message, a stack): `connect to
 * "redis://:pw@host:6379" failed` -> `connect to "redis://***@host:6379" failed`.
 * A URL ends at white space or a quote.
 */
export function redactUrlsIn(text: string): string {
  // Up to the last "@" of the URL, as in redactUrl: a password may hold an unescaped "@".
  return text.replace(/([A-Za-z][A-Za-z0-9+.\-]*:\/\/)[^\s"'`<>]*@/g, "$1***@");
}
