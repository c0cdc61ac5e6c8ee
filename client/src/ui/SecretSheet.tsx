// A secret shown once: the recovery key, or two-factor backup codes. Monospace, in groups,
// with a plain-text download and a print button, and a checkbox the user must tick before
// going on: Coffer cannot show it again.
//
// The download is a text/plain Blob URL in an <a download>: text Coffer wrote itself, never
// a decrypted file (docs/threat-model.md, promise 6, keeps those out of blob: URLs in this origin).
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context';
import { Checkbox } from './Field';
import { StepHeading } from './StepHeading';

export interface SecretSheetProps {
  /** Prefix of the data-testids: `<testid>-panel`, `<testid>`, `<testid>-download`, … */
  readonly testid: string;
  readonly title: string;
  readonly intro: ComponentChildren;
  /** The secret's parts: groups of a recovery key, or one backup code each. */
  readonly parts: readonly string[];
  /** The secret as one string, for copying and tests. */
  readonly value: string;
  readonly fileName: string;
  readonly fileText: string;
  readonly acknowledge: string;
  readonly continueLabel: string;
  readonly onContinue: () => void;
  readonly variant: 'key' | 'codes';
}

export function SecretSheet(props: SecretSheetProps): JSX.Element {
  const { t } = useI18n();
  const [stored, setStored] = useState(false);
  const [url, setUrl] = useState<string | null>(null);

  useEffect(() => {
    const blobUrl = URL.createObjectURL(new Blob([props.fileText], { type: 'text/plain;charset=utf-8' }));
    setUrl(blobUrl);
    return () => URL.revokeObjectURL(blobUrl);
  }, [props.fileText]);

  const id = props.testid;
  return (
    <section
      class="panel secret-sheet print-area"
      aria-labelledby={`${id}-heading`}
      data-testid={`${id}-panel`}
      data-state={stored ? 'stored' : 'shown'}
    >
      <StepHeading id={`${id}-heading`}>{props.title}</StepHeading>
      <div class="secret-sheet__intro">{props.intro}</div>
      <div
        class={`secret-sheet__value secret-sheet__value--${props.variant}`}
        data-testid={id}
        data-value={props.value}
        translate={false}
      >
        {props.parts.map((part, index) => (
          <span key={index} class="secret-sheet__part">
            {part}
          </span>
        ))}
      </div>
      <div class="button-row no-print">
        {url && (
          <a class="button button--secondary" href={url} download={props.fileName} data-testid={`${id}-download`}>
            {t('secret.download')}
          </a>
        )}
        <button
          type="button"
          class="button button--secondary"
          onClick={() => window.print()}
          data-testid={`${id}-print`}
        >
          {t('secret.print')}
        </button>
      </div>
      <div class="no-print">
        <Checkbox
          id={`${id}-stored`}
          label={props.acknowledge}
          checked={stored}
          onChange={setStored}
          testid={`${id}-stored`}
        />
        <button
          type="button"
          class="button"
          disabled={!stored}
          onClick={props.onContinue}
          data-testid={`${id}-continue`}
        >
          {props.continueLabel}
        </button>
      </div>
    </section>
  );
}
