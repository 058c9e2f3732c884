/**
 * http-proxy reports what happened to a request on its own emitter ('proxyRes', 'proxyReqWs',
 * 'open'), not to the call that sent it. A relay waiting for one of them registers here under the
 * object the event will carry; each relay owns its pairings and listens only to its own proxy's
 * emitter, so two proxies in one process never see each other's answers.
 */
export class Pairing<K extends object, V> {
  private readonly waiting = new WeakMap<K, (value: V) => void>();

  expect(key: K, fn: (value: V) => void): void {
    this.waiting.set(key, fn);
  }

  /** Hands `value` to whoever waits on `key`, once; nobody waiting (a pass-through request) is fine. */
  settle(key: K, value: V): void {
    const fn = this.waiting.get(key);
    if (!fn) return;
    this.waiting.delete(key);
    fn(value);
  }
}
