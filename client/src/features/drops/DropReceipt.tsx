// The receipt an uploader sees after submitting to a drop: what arrived, to keep or print. Right
// after the upload it names the files; shown again from this tab's history (kept-receipt.ts),
// it has only their sizes and says so.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { GroupedCode } from '../../ui/GroupedCode';
import { formatDateTime } from '../../ui/labels';
import { StepHeading } from '../../ui/StepHeading';
import { FileLine } from '../transfer/FileDownloads';
import type { Receipt } from './drop-flow';

/** A receipt to show: the files' names only when it was just made (not when kept in history). */
export type ShownReceipt = Omit<Receipt, 'files'> & {
  readonly files: readonly { readonly name?: string; readonly size: number }[];
};

export function ReceiptPanel({
  office,
  maskedEmail,
  singleUse,
  receipt,
  kept = false,
  onAgain,
}: {
  readonly office: string;
  readonly maskedEmail: string | null;
  readonly singleUse: boolean;
  readonly receipt: ShownReceipt;
  /** Shown again from this tab's history, without the file names. */
  readonly kept?: boolean;
  readonly onAgain: () => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <div
      class="panel receipt"
      data-testid="drop-receipt"
      data-upload-id={receipt.dropUploadId}
      data-kept={kept ? 'yes' : 'no'}
    >
      <StepHeading>{t('dropUpload.receipt.title')}</StepHeading>
      <Notice tone="ok" testid="drop-receipt-done">
        <p>
          {t('dropUpload.receipt.intro', {
            office,
            time: formatDateTime(locale, receipt.receivedAt),
          })}
        </p>
      </Notice>
      {kept && (
        <p class="form__aside" data-testid="drop-receipt-kept">
          {t('dropUpload.receipt.kept')}
        </p>
      )}
      <ul class="file-list" aria-label={t('dropUpload.receipt.files')}>
        {receipt.files.map((file, index) => (
          <li key={index} class="file-row" data-testid="drop-receipt-file" data-name={file.name} data-size={file.size}>
            <FileLine name={file.name ?? t('dropUpload.receipt.file', { n: index + 1 })} size={file.size} />
          </li>
        ))}
      </ul>
      <p class="access-code__label">{t('receipt.code')}</p>
      <GroupedCode value={receipt.receiptCode} testid="drop-receipt-code" />
      <p>{t('dropUpload.receipt.compare', { office })}</p>
      {!receipt.serverAgrees && (
        <Notice tone="warning" testid="drop-receipt-mismatch">
          <p>{t('dropUpload.receipt.mismatch', { office })}</p>
        </Notice>
      )}
      {receipt.receiptMailed && maskedEmail !== null && (
        <p data-testid="drop-receipt-mailed">{t('dropUpload.receipt.mailed', { email: maskedEmail })}</p>
      )}
      {singleUse ? (
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
