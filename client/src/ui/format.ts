// Sizes, speeds and durations as people read them, in their locale. Decimal units, as phones,
// cloud services and shops state sizes: a MB is 1,000,000 bytes, so "2.4 MB" in English and
// "2,4 MB" in Dutch. Every size a page states (a file, a limit, a quota) goes through here, so
// a limit reads the same way as the files it is compared with.
import { describeWait } from '../api/retry-after';
import type { Translate } from '../i18n';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
const STEP = 1000;

/** One decimal below 100 ("2.4 MB", "15.5 MB"), none from 100 up ("150 MB") or for bytes; no ".0". */
function figure(locale: string, value: number, whole: boolean): string {
  const digits = whole || value >= 100 ? 0 : 1;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

export function formatBytes(locale: string, bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  // From 100 up a figure has no decimals: 999,600 bytes would show as "1,000 KB", which is "1 MB".
  while (unit < UNITS.length - 1 && Math.round(value) >= STEP) {
    value /= STEP;
    unit++;
  }
  return `${figure(locale, value, unit === 0)} ${UNITS[unit]}`;
}

export function formatSpeed(locale: string, bytesPerSecond: number): string {
  return `${figure(locale, Math.max(0, bytesPerSecond) / (STEP * STEP), false)} MB/s`;
}

/** "12 seconds", "3 minutes", "2 hours". */
export function formatDuration(t: Translate, seconds: number): string {
  const wait = describeWait(seconds);
  const key = wait.unit === 'seconds' ? 'wait.seconds' : wait.unit === 'minutes' ? 'wait.minutes' : 'wait.hours';
  return t(key, { n: wait.value });
}
