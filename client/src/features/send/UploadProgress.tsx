// Files on their way up, as the send page and a drop's upload page show them: all files
// together (with Cancel, while cancelling is still possible), then each file waiting, uploading
// with its own bar, or uploaded.
import type { JSX } from 'preact';
import type { TransferProgress } from '../../crypto/protocol';
import { figures } from '../../crypto/rate';
import { useI18n } from '../../i18n/context';
import { TransferBar } from '../../ui/TransferBar';

/** One file's upload: not started, moving, or done. */
export type FileProgress = TransferProgress | 'done' | null;

/** All files together: bytes done over bytes in all, speed of the file now uploading. */
function overallProgress(
  files: readonly { readonly size: number }[],
  progress: readonly FileProgress[],
): TransferProgress | null {
  if (files.length === 0 || progress.length === 0) return null;
  let done = 0;
  let total = 0;
  let speed: number | null = null;
  let phase: TransferProgress['phase'] = 'uploading';
  files.forEach((file, index) => {
    const item = progress[index];
    // Before a file starts, its plaintext size stands in for its (slightly larger) container.
    const size = item && item !== 'done' ? item.total : file.size;
    total += size;
    if (item === 'done') done += size;
    else if (item) {
      done += item.done;
      speed = item.bytesPerSecond;
      if (item.phase === 'retrying') phase = 'retrying';
    }
  });
  const all = progress.every((item) => item === 'done');
  return { ...figures(all ? total : Math.min(done, total - 1), total, speed), phase: all ? 'verifying' : phase };
}

export function UploadProgress({
  files,
  progress,
  prefix,
  onCancel,
}: {
  readonly files: readonly File[];
  readonly progress: readonly FileProgress[];
  /** Starts the test ids (`send`, `drop`). */
  readonly prefix: string;
  readonly onCancel?: (() => void) | undefined;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <TransferBar
        label={t('send.overall')}
        progress={overallProgress(files, progress)}
        testid={`${prefix}-overall`}
        onCancel={onCancel}
      />
      <ul class="upload-list" aria-label={t('send.files.listLabel')}>
        {files.map((file, index) => {
          const item = progress[index];
          const state = item === 'done' ? 'done' : item ? 'uploading' : 'waiting';
          return (
            <li
              key={index}
              class="upload-item"
              data-testid={`${prefix}-upload`}
              data-name={file.name}
              data-state={state}
            >
              {item && item !== 'done' ? (
                <TransferBar label={file.name} progress={item} testid={`${prefix}-upload-progress`} />
              ) : (
                <p class="upload-item__line">
                  <span class="upload-item__name" translate={false}>
                    {file.name}
                  </span>{' '}
                  <span class={`badge badge--${state === 'done' ? 'ok' : 'muted'}`}>
                    {t(state === 'done' ? 'send.upload.done' : 'send.upload.waiting')}
                  </span>
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
