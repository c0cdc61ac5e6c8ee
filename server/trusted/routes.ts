// Trusted devices, the browser's own side (docs/protocol.md §21 "Trusted devices"): forgetting
// this device. The cookie says which; the server deletes its row and the answer clears the
// cookie. Anyone may ask (guard 'public'): it can only ever forget the device of the browser
// that sends it.
import type { RouteHandler } from '../kernel/http/route.js';
import { clearTrustCookie, readTrustToken } from '../kernel/http/cookies.js';
import type { TrustedDevices } from '../kernel/trust/devices.js';

export function forgetDevice(trust: TrustedDevices): RouteHandler {
  return (req, res) => {
    trust.forget(readTrustToken(req));
    clearTrustCookie(res);
    res.status(204).end();
  };
}
