// A drop's choices and limits as pages show and check them (shared/wire/drops.ts): what an
// advisor may choose when making a drop, and whether the files an uploader chose fit before a
// single byte is encrypted (the server enforces the same limits again).
import { MAX_DROP_FILES, PERSONAL_DROP_MAX_DAYS } from '../../../../shared/wire/drops.js';
import type { MessageKey, Translate } from '../../i18n';
import { formatBytes } from '../../ui/format';
import { defaultExpiryDays, expiryPresets } from '../share/links';

const MB = 1000 * 1000;

/** Files per submission an advisor can choose. */
export const MAX_FILES_CHOICES = [1, 3, 5, 10, 20, 50, MAX_DROP_FILES] as const;
export const DEFAULT_MAX_FILES = 10;
/** Bytes per submission (all files together) an advisor can choose: round figures in the decimal units pages show. */
export const MAX_TOTAL_CHOICES = [25, 100, 250, 500, 1000, 2000, 5000, 10_000].map((mb) => mb * MB);
export const DEFAULT_MAX_TOTAL = 1000 * MB;

/** Expiry choices in days: a personal drop may run a year, any other the office's maximum. */
export function dropExpiryPresets(officeMaxDays: number, personal: boolean): number[] {
  return expiryPresets(personal ? PERSONAL_DROP_MAX_DAYS : officeMaxDays);
}

export function defaultDropExpiryDays(officeMaxDays: number, personal: boolean): number {
  return personal ? PERSONAL_DROP_MAX_DAYS : defaultExpiryDays(officeMaxDays);
}

export interface DropLimits {
  readonly maxFiles: number;
  readonly maxTotalBytes: number;
  readonly maxFileBytes: number;
}

export type LimitProblem =
  | { readonly kind: 'none' }
  | { readonly kind: 'too-many'; readonly max: number }
  | { readonly kind: 'too-large'; readonly max: number }
  | { readonly kind: 'file-too-large'; readonly names: readonly string[]; readonly max: number };

/** What is wrong with these files for this drop, before anything is uploaded: each problem. */
export function limitProblems(
  files: readonly { readonly name: string; readonly size: number }[],
  limits: DropLimits,
): LimitProblem[] {
  const problems: LimitProblem[] = [];
  if (files.length === 0) problems.push({ kind: 'none' });
  if (files.length > limits.maxFiles) problems.push({ kind: 'too-many', max: limits.maxFiles });
  const oversized = files.filter((file) => file.size > limits.maxFileBytes).map((file) => file.name);
  if (oversized.length > 0) problems.push({ kind: 'file-too-large', names: oversized, max: limits.maxFileBytes });
  if (files.reduce((sum, file) => sum + file.size, 0) > limits.maxTotalBytes)
    problems.push({ kind: 'too-large', max: limits.maxTotalBytes });
  return problems;
}

/** What the uploader reads for a limit their choice of files breaks. */
export function problemText(t: Translate, locale: string, problem: LimitProblem): string {
  switch (problem.kind) {
    case 'none':
      return t('send.files.empty');
    case 'too-many':
      return t('dropUpload.error.tooMany', { max: problem.max });
    case 'too-large':
      return t('dropUpload.error.tooLarge', { max: formatBytes(locale, problem.max) });
    case 'file-too-large':
      return t('dropUpload.error.fileTooLarge', {
        names: problem.names.join(', '),
        max: formatBytes(locale, problem.max),
      });
  }
}

/** An upload's failure codes (the server's and the worker's) and what the uploader reads for each. */
export const UPLOAD_ERRORS: Readonly<Record<string, MessageKey>> = {
  drop_too_many_files: 'dropUpload.error.serverLimits',
  drop_too_large: 'dropUpload.error.serverLimits',
  quota_exceeded: 'dropUpload.error.quota',
  network: 'send.error.network',
  server: 'send.error.network',
  upload_failed: 'send.error.upload',
  file_unreadable: 'send.error.unreadable',
  message_too_long: 'send.error.messageTooLong',
};
