// The receipt an uploader sees after submitting to a drop: what arrived, to keep or print.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { GroupedCode } from '../../ui/GroupedCode';
import { formatDateTime } from '../../ui/labels';
import { StepHeading } from '../../ui/StepHeading';
import { FileLine } from '../transfer/FileDownloads';
import { type Loaded, type Receipt } from './drop-flow';

export function ReceiptPanel({
  loaded,
  receipt,
  onAgain,
}: {
  readonly loaded: Loaded;
  readonly receipt: Receipt;
  readonly onAgain: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <div class="panel receipt" data-testid="drop-receipt" data-upload-id={receipt.dropUploadId}>
      <StepHeading>{t('dropUpload.receipt.title')}</StepHeading>
      <Notice tone="ok" testid="drop-receipt-done">
        <p>
          {t('dropUpload.receipt.intro', {
            office: loaded.office.name,
            time: formatDateTime(locale, receipt.receivedAt),
          })}
        </p>
      </Notice>
      <ul class="file-list" aria-label={t('dropUpload.receipt.files')}>
        {receipt.files.map((file, index) => (
          <li key={index} class="file-row" data-testid="drop-receipt-file" data-name={file.name} data-size={file.size}>
            <FileLine name={file.name} size={file.size} />
          </li>
        ))}
      </ul>
      <p class="access-code__label">{t('receipt.code')}</p>
      <GroupedCode value={receipt.receiptCode} testid="drop-receipt-code" />
      <p>{t('dropUpload.receipt.compare', { office: loaded.office.name })}</p>
      {!receipt.serverAgrees && (
        <Notice tone="warning" testid="drop-receipt-mismatch">
          <p>{t('dropUpload.receipt.mismatch', { office: loaded.office.name })}</p>
        </Notice>
      )}
      {receipt.receiptMailed && (
        <p data-testid="drop-receipt-mailed">
          {t('dropUpload.receipt.mailed', { email: loaded.info.maskedEmail ?? '' })}
        </p>
      )}
      {loaded.info.singleUse ? (
        <p class="form__aside">{t('dropUpload.receipt.closed')}</p>
      ) : (
        <div class="button-row">
          <button type="button" class="button button--secondary" onClick={onAgain} data-testid="drop-upload-more">
            {t('dropUpload.more')}
          </button>
        </div>
      )}
    </div>
  );
}
