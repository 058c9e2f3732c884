/**
 * JSONP polling (Engine.IO v3): a GET answers `___eio[N]("<payload as a JS string>");`, a POST sends
 * `d=<payload>` form-encoded with newlines escaped. Both are unwrapped back to the plain text payload,
 * the POST with engine.io@3's own two unescaping steps (transports/polling-jsonp.js `onData`).
 *
 * A pure string function, no Node modules: used by the EIO3 codec of the protocol core
 * (shared/protocol/engine-codec.ts), in the proxy and the browser alike.
 */

/** A body that is neither a JSONP call nor a `d=` form post. */
export class JsonpError extends Error {}

/**
 * The payload inside a JSONP body. Throws a `JsonpError` for a body of neither form, and a
 * `SyntaxError` (from JSON.parse) for a call whose string literal is not valid JSON.
 */
export function unwrapJsonp(text: string): string {
  const call = /^___eio\[\d+\]\((".*")\);$/s.exec(text);
  if (call?.[1]) return JSON.parse(call[1]) as string;
  const form = new URLSearchParams(text).get('d');
  if (form !== null) {
    return form
      .replace(/(\\)?\\n/g, (m, slash: string | undefined) => (slash ? m : '\n'))
      .replace(/\\\\n/g, '\\n');
  }
  throw new JsonpError('unrecognised JSONP body');
}
