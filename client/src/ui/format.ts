// Sizes, speeds and durations as people read them, in their locale. Binary units (a MiB is
// 1,048,576 bytes), as operating systems show file sizes.
import { describeWait } from '../api/retry-after';
import type { Translate } from '../i18n';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(locale: string, bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

export function formatSpeed(locale: string, bytesPerSecond: number): string {
  const mib = bytesPerSecond / (1024 * 1024);
  const digits = mib >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(mib)} MiB/s`;
}

/** "12 seconds", "3 minutes", "2 hours". */
export function formatDuration(t: Translate, seconds: number): string {
  const wait = describeWait(seconds);
  const key = wait.unit === 'seconds' ? 'wait.seconds' : wait.unit === 'minutes' ? 'wait.minutes' : 'wait.hours';
  return t(key, { n: wait.value });
}
