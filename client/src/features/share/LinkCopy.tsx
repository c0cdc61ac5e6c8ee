// A link the advisor passes on (a guest's link, a drop's link): the server never had its
// secret, so it cannot send it. The link in a read-only field, "Copy link" as the main button
// (many webmail clients have no mailto: handler), and "Open in my mail app" beside it with a
// ready text. Where the clipboard is not allowed, the link is selected for Ctrl+C instead.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { StatusLine } from '../../ui/Alert';

export function LinkCopy({
  id,
  label,
  link,
  mailHref,
  prefix,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly link: string;
  readonly mailHref: string;
  /** Starts the test ids (`guest-link`, `drop-link`). */
  readonly prefix: string;
  /** More beside the two buttons (a choice of the mail's language). */
  readonly children?: ComponentChildren;
}): JSX.Element {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('yes');
    } catch {
      // No clipboard permission (or an old browser): select the link so Ctrl+C works.
      const field = document.getElementById(id);
      if (field instanceof HTMLInputElement) {
        field.focus();
        field.select();
      }
      setCopied('failed');
    }
  };

  return (
    <>
      <label class="field__label" for={id}>
        {label}
      </label>
      <input
        id={id}
        class="field__input guest-link__url"
        type="text"
        readOnly
        value={link}
        onFocus={(event) => event.currentTarget.select()}
        data-testid={`${prefix}-url`}
        data-value={link}
        spellcheck={false}
      />
      <div class="button-row">
        <button type="button" class="button" onClick={() => void copy()} data-testid={`${prefix}-copy`}>
          {t('sent.link.copy')}
        </button>
        <a class="button button--secondary" href={mailHref} data-testid={`${prefix}-mail`}>
          {t('sent.link.mail')}
        </a>
        {children}
      </div>
      <StatusLine
        text={copied === 'yes' ? t('sent.link.copied') : copied === 'failed' ? t('sent.link.copyFailed') : ''}
        testid={`${prefix}-copied`}
      />
    </>
  );
}
