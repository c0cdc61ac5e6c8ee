// How long a rate-limited client must wait, from the `Retry-After` header of a 429 answer
// (RFC 9110 §10.2.3: either a number of seconds or an HTTP date), and that wait in the
// largest whole unit a person reads easily.

/** Seconds to wait (at least 1), or null if the header is missing or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? Math.max(1, seconds) : null;
  }
  // An HTTP date names a weekday and a GMT time; anything else Date.parse happens to accept is refused.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(1, Math.ceil((at - now) / 1000));
}

export interface Wait {
  readonly unit: 'seconds' | 'minutes' | 'hours';
  readonly value: number;
}

/** A wait rounded up to whole seconds (under a minute), minutes (under an hour) or hours. */
export function describeWait(seconds: number): Wait {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return { unit: 'seconds', value: s };
  if (s < 3600) return { unit: 'minutes', value: Math.ceil(s / 60) };
  return { unit: 'hours', value: Math.ceil(s / 3600) };
}
