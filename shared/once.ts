// A request that must take effect once, over a connection that may lose its answer (the server
// killed after it committed, a proxy dropping the connection). Sent again blindly, such a request
// is refused, or worse, done twice. For the retry loops of the browser and `coffer`
// (client/src/crypto/transport.ts retryWithin): the step below sends the request the first time,
// and on every later try first asks the server whether the earlier one landed.

/**
 * One attempt at a request that must take effect once, for a retry loop: the first call sends
 * it; every later call (after a failure the loop waited out, whose request may have landed)
 * first asks `landed`, and sends again only while that says null.
 */
export function sendOnce<T>(send: () => Promise<T>, landed: () => Promise<T | null>): () => Promise<T> {
  let sent = false;
  return async () => {
    if (sent) {
      const known = await landed();
      if (known !== null) return known;
    }
    sent = true;
    return send();
  };
}
