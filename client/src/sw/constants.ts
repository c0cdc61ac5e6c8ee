// The service worker's own copy of its paths (see messages.ts for why it is not shared with
// the page; test/client checks both copies agree).

/** The service worker answers only requests under this path. */
export const DOWNLOAD_SCOPE = '/download/';
/** Where the server serves the built service worker (no-store, application/javascript). */
export const SERVICE_WORKER_URL = '/sw.js';
/** Download ids: 128 random bits, base64url (so a page cannot guess another page's download). */
export const DOWNLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
