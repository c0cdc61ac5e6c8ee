// Choosing files (to send, or to upload to a drop): the browser's own file input, visually hidden
// but still the control a keyboard and a screen reader reach, shown as a "Choose files" button
// (its label) with our own list of what was chosen, so the browser's "No file chosen" never
// contradicts the list. Around it a drop zone for dragging files from the desktop; the hint to
// drag shows only where a fine pointer can drag (styles.css). The chosen files are listed with
// their sizes and a way to remove each; an empty (0-byte) file is flagged, and the form asks for
// a tick before it goes (`allowEmpty`). Dropping a file anywhere else on the page does nothing
// (the browser would otherwise open it in place of Coffer).
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_SHARE_FILES } from '../../../../shared/wire/shares.js';
import { Checkbox } from '../../ui/Field';
import { addFiles, emptyFiles, fileKey } from './files';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { formatBytes } from '../../ui/format';

export function FilesField({
  files,
  onChange,
  error,
  disabled,
  prefix = 'send',
  max = MAX_SHARE_FILES,
  hint,
  allowEmpty,
  onAllowEmpty,
}: {
  readonly files: readonly File[];
  readonly onChange: (files: readonly File[]) => void;
  readonly error: string | null;
  readonly disabled: boolean;
  /** Starts the field's id and test ids (the send page's, or the drop upload page's). */
  readonly prefix?: string;
  /** Files that may be chosen at once. */
  readonly max?: number;
  readonly hint?: string;
  /** Whether the person confirmed sending empty (0-byte) files; without it, they are only flagged. */
  readonly allowEmpty?: boolean;
  readonly onAllowEmpty?: (allow: boolean) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const [dragging, setDragging] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const latest = useRef(files);
  latest.current = files;

  const take = (list: FileList | null): void => {
    if (!list || list.length === 0) return;
    const { files: next, dropped } = addFiles(latest.current, [...list], max);
    // A newly chosen empty file needs its own confirmation.
    if (emptyFiles(next).length > emptyFiles(latest.current).length) onAllowEmpty?.(false);
    onChange(next);
    setNote(dropped > 0 ? t('send.files.tooMany', { max }) : null);
  };

  // A file dropped next to the drop zone must not replace the page.
  useEffect(() => {
    const stop = (event: DragEvent): void => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    addEventListener('dragover', stop);
    addEventListener('drop', stop);
    return () => {
      removeEventListener('dragover', stop);
      removeEventListener('drop', stop);
    };
  }, []);

  const total = files.reduce((sum, file) => sum + file.size, 0);
  const empty = emptyFiles(files);
  const errorText = error ?? note;
  const id = `${prefix}-files`;
  const describedBy = [hint ? `${id}-hint` : '', errorText ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--invalid' : ''}`}>
      <label class="field__label" for={id}>
        {t('send.files.label')}
      </label>
      {hint && (
        <p class="field__hint" id={`${id}-hint`} data-testid={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div
        class={`dropzone${dragging ? ' dropzone--active' : ''}`}
        data-testid={`${prefix}-dropzone`}
        onDragEnter={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragOver={(event) => {
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        }}
        onDragLeave={(event) => {
          if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          if (!disabled) take(event.dataTransfer?.files ?? null);
        }}
      >
        <input
          ref={input}
          id={id}
          class="visually-hidden file-picker__input"
          type="file"
          multiple
          disabled={disabled}
          onChange={(event) => {
            take(event.currentTarget.files);
            // Choosing the same file again after removing it must fire a change.
            event.currentTarget.value = '';
          }}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          data-testid={id}
        />
        <label for={id} class="button button--secondary file-picker__button" data-testid={`${prefix}-choose`}>
          {t('send.files.choose')}
        </label>{' '}
        <span class="dropzone__text" aria-hidden="true" data-testid={`${prefix}-drag-hint`}>
          {t('send.files.drop')}
        </span>
        {files.length === 0 && (
          <p class="file-picker__none" data-testid={`${id}-none`}>
            {t('send.files.none')}
          </p>
        )}
      </div>
      {errorText && (
        <p class="field__error" id={`${id}-error`} data-testid={`${id}-error`}>
          {errorText}
        </p>
      )}
      {files.length > 0 && (
        <>
          <ul class="chosen-files" aria-label={t('send.files.listLabel')} data-testid={`${prefix}-file-list`}>
            {files.map((file) => (
              <li
                key={fileKey(file)}
                class={`chosen-file${file.size === 0 ? ' chosen-file--empty' : ''}`}
                data-testid={`${prefix}-file`}
                data-name={file.name}
              >
                <span class="chosen-file__name" translate={false}>
                  {file.name}
                </span>
                <span class="chosen-file__size">
                  {file.size === 0 ? t('send.files.emptySize') : formatBytes(locale, file.size)}
                </span>
                <button
                  type="button"
                  class="button button--link"
                  onClick={() => onChange(files.filter((f) => f !== file))}
                  disabled={disabled}
                  aria-label={t('send.files.removeLabel', { name: file.name })}
                  data-testid={`${prefix}-file-remove`}
                >
                  {t('send.files.remove')}
                </button>
              </li>
            ))}
          </ul>
          <p class="field__hint" data-testid={`${id}-total`}>
            {t('send.files.total', { n: files.length, size: formatBytes(locale, total) })}
          </p>
          {empty.length > 0 && (
            <Notice tone="warning" testid={`${prefix}-empty-files`}>
              {empty.map((file) => (
                <p key={fileKey(file)} data-testid={`${prefix}-empty-file`}>
                  {t('send.files.emptyWarning', { name: file.name })}
                </p>
              ))}
              <p>{t('send.files.emptyExplain')}</p>
              {onAllowEmpty && (
                <Checkbox
                  id={`${id}-allow-empty`}
                  label={t('send.files.emptyConfirm', { n: empty.length })}
                  checked={allowEmpty === true}
                  onChange={onAllowEmpty}
                  disabled={disabled}
                  testid={`${prefix}-allow-empty`}
                />
              )}
            </Notice>
          )}
        </>
      )}
    </div>
  );
}
