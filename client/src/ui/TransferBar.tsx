// A long transfer's progress: a <progress> bar with its figures in words (percent, speed,
// time left), what is happening when bytes are not moving (reconnecting, checking, waiting
// for the browser), and a Cancel button. The figures change several times a second, so they
// are not a live region; the phase line is, so a screen reader hears only what changes.
import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import type { TransferProgress } from '../crypto/protocol';
import { useI18n } from '../i18n/context';
import { formatBytes, formatDuration, formatSpeed } from './format';

let bars = 0;

function transferText(t: ReturnType<typeof useI18n>['t'], locale: string, progress: TransferProgress): string {
  const parts = [t('transfer.percent', { percent: progress.percent })];
  if (progress.phase === 'uploading' || progress.phase === 'downloading') {
    parts.push(
      t('transfer.of', { done: formatBytes(locale, progress.done), total: formatBytes(locale, progress.total) }),
    );
    if (progress.bytesPerSecond !== null) parts.push(formatSpeed(locale, progress.bytesPerSecond));
    if (progress.secondsLeft !== null && progress.secondsLeft > 0)
      parts.push(t('transfer.left', { time: formatDuration(t, progress.secondsLeft) }));
  }
  return parts.join(' · ');
}

export function TransferBar({
  label,
  progress,
  onCancel,
  cancelLabel,
  testid,
}: {
  readonly label: string;
  readonly progress: TransferProgress | null;
  readonly onCancel?: () => void;
  readonly cancelLabel?: string;
  readonly testid: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  const id = useRef(`transfer-${++bars}`).current;
  const phase = progress?.phase ?? 'starting';
  const phaseText =
    phase === 'retrying'
      ? t('transfer.retrying')
      : phase === 'verifying'
        ? t('transfer.verifying')
        : phase === 'waiting'
          ? t('transfer.waiting')
          : '';
  return (
    <div class="transfer" data-testid={testid} data-phase={phase} data-percent={progress?.percent ?? 0}>
      <div class="transfer__head">
        <span class="transfer__label" id={`${id}-label`}>
          {label}
        </span>
        <span class="transfer__figures" data-testid={`${testid}-figures`}>
          {progress ? transferText(t, locale, progress) : t('transfer.starting')}
        </span>
      </div>
      <progress
        class="transfer__bar"
        max={100}
        value={progress?.percent ?? 0}
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-phase`}
      >
        {t('transfer.percent', { percent: progress?.percent ?? 0 })}
      </progress>
      <p
        class={`transfer__phase${phase === 'retrying' ? ' transfer__phase--warning' : ''}`}
        id={`${id}-phase`}
        role="status"
      >
        {phaseText}
      </p>
      {onCancel && (
        <button
          type="button"
          class="button button--small button--secondary"
          onClick={onCancel}
          data-testid={`${testid}-cancel`}
        >
          {cancelLabel ?? t('action.cancel')}
        </button>
      )}
    </div>
  );
}
