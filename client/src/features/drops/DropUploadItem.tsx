// One upload on a drop's page: who sent it and when, its files to download once opened, and
// the advisor's actions on it (reject, delete).
import type { JSX } from 'preact';
import { dropFilePath, type DropUploadView } from '../../api/drops';
import type { OpenedDropUpload } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { GroupedCode } from '../../ui/GroupedCode';
import { formatDateTime } from '../../ui/labels';
import { FileDownloads } from '../transfer/FileDownloads';

export function UploadItem({
  dropId,
  upload,
  opened,
  busy,
  onDelete,
}: {
  readonly dropId: string;
  readonly upload: DropUploadView;
  readonly opened: OpenedDropUpload;
  readonly busy: boolean;
  readonly onDelete: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  // What this browser found decides; an upload the server marked rejected is not served either.
  const state = opened.state === 'opened' && upload.rejectedAt !== null ? 'rejected' : opened.state;
  return (
    <li
      class="panel panel--wide drop-upload"
      data-testid="drop-upload"
      data-upload-id={upload.dropUploadId}
      data-state={state}
    >
      <h3 class="recipient-status__name">
        {t('drop.upload.received', { date: formatDateTime(locale, upload.receivedAt) })}
      </h3>
      {state === 'rejected' && (
        <Notice tone="warning" testid="drop-upload-rejected">
          <p>
            <strong>{t('drop.upload.rejected.title')}</strong>
          </p>
          <p>{t('drop.upload.rejected.text', { n: upload.files.length })}</p>
        </Notice>
      )}
      {state === 'unavailable' && (
        <Notice tone="warning" testid="drop-upload-unavailable">
          <p>{t('drop.upload.unavailable')}</p>
        </Notice>
      )}
      {opened.state === 'opened' && state === 'opened' && (
        <>
          <div class="receipt" data-testid="drop-upload-receipt">
            <p class="access-code__label">{t('receipt.code')}</p>
            <GroupedCode value={opened.receiptCode} testid="drop-upload-receipt-code" />
            <p class="form__aside">
              {upload.receiptMailed ? t('drop.upload.receiptMailed') : t('drop.upload.receiptCompare')}
            </p>
          </div>
          {opened.message !== undefined && (
            <figure class="message" data-testid="share-message">
              <figcaption class="message__from">{t('drop.upload.message')}</figcaption>
              <blockquote class="message__text">{opened.message}</blockquote>
            </figure>
          )}
          {opened.missingFiles > 0 && (
            <Notice tone="warning" testid="share-missing-files">
              <p>{t('drop.upload.missing', { n: opened.missingFiles })}</p>
            </Notice>
          )}
          <FileDownloads
            shareId={upload.dropUploadId}
            files={opened.files}
            source={(fileId) => Promise.resolve({ url: dropFilePath(dropId, upload.dropUploadId, fileId) })}
          />
        </>
      )}
      <div class="button-row">
        <button
          type="button"
          class="button button--small button--secondary"
          disabled={busy}
          onClick={onDelete}
          data-testid="drop-upload-delete"
        >
          {t('drop.upload.delete')}
        </button>
      </div>
    </li>
  );
}
