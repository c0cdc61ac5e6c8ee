// The devices part of /app/security (approved staff and admins): office machines that send and
// pick up files for this member through the command-line client (docs/protocol.md "Devices").
// The person runs `coffer login <address>` on the machine and types the code it shows here; the
// worker approves only the waiting enrolment whose keys give that code, seals this member's keys
// to the device and signs its certificate. Devices and their API tokens are listed, renamed and
// removed here; a removed one stops at its next request.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import {
  approveEnrolment,
  createApiToken,
  listDevices,
  listPendingEnrolments,
  renameDevice,
  revokeApiToken,
  revokeDevice,
  type ApiToken,
  type Device,
  type DeviceScope,
} from '../../api/devices';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import type { Translate } from '../../i18n';
import { ErrorAlert, Progress, StatusLine } from '../../ui/Alert';
import { ConfirmDialog, Dialog } from '../../ui/Dialog';
import { errorMessage } from '../../ui/errors';
import { Checkbox, Field } from '../../ui/Field';
import { formatDateTime } from '../../ui/labels';
import { ListTable } from '../../ui/ListTable';
import { useLoad } from '../../ui/load';

type Step =
  | { readonly kind: 'rename'; readonly device: Device }
  | { readonly kind: 'remove'; readonly device: Device }
  | { readonly kind: 'newToken'; readonly device: Device }
  | { readonly kind: 'tokenMade'; readonly device: Device; readonly token: string; readonly label: string }
  | { readonly kind: 'revokeToken'; readonly device: Device; readonly token: ApiToken };

function scopesText(t: Translate, scopes: readonly DeviceScope[]): string {
  return scopes.map((scope) => t(scope === 'send' ? 'devices.scope.send' : 'devices.scope.pull')).join(', ');
}

/** The scopes ticked, in the one order; null when none is. */
function chosenScopes(send: boolean, pull: boolean): DeviceScope[] | null {
  const scopes: DeviceScope[] = [...(send ? (['send'] as const) : []), ...(pull ? (['pull'] as const) : [])];
  return scopes.length === 0 ? null : scopes;
}

export function DevicesSection(): JSX.Element {
  const { t, locale } = useI18n();
  const engine = useEngine();
  const [code, setCode] = useState('');
  const [send, setSend] = useState(true);
  const [pull, setPull] = useState(true);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<Step | null>(null);
  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));

  const { data: address } = useLoad(
    async () => `${location.origin}/#${(await engine.call('deviceAddress', {})).officeFingerprint}`,
    [engine],
    { onError: (error) => fail(errorMessage(t, error)) },
  );
  const { data: devices, reload } = useLoad(async (signal) => (await listDevices({ signal })).devices, [t], {
    keep: true,
    onError: (error) => fail(errorMessage(t, error)),
  });

  /** Runs a change, then reloads the list; a failure closes the dialog and is shown above the list. */
  const act = async (work: () => Promise<string>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      setStatus(await work());
      await reload();
    } catch (error) {
      setStep(null);
      fail(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  const add = (event: Event): void => {
    event.preventDefault();
    const scopes = chosenScopes(send, pull);
    if (code.trim() === '') return setFieldError(t('devices.add.codeMissing'));
    if (scopes === null) return setFieldError(t('devices.add.scopesMissing'));
    setFieldError(null);
    void act(async () => {
      const { enrolments } = await listPendingEnrolments();
      const made = await engine.call('approveDevice', { typedCode: code, enrolments, scopes });
      await approveEnrolment(made.enrolmentId, {
        scopes,
        sealedKeys: made.sealedKeys,
        certificate: made.certificate,
      });
      setCode('');
      return t('devices.added', { name: made.name });
    });
  };

  const tokens = (devices ?? []).flatMap((device) =>
    device.tokens.filter((token) => token.label !== null).map((token) => ({ device, token })),
  );

  return (
    <section class="panel panel--wide" aria-labelledby="devices-heading">
      <h2 id="devices-heading" class="section-heading">
        {t('devices.heading')}
      </h2>
      <p>{t('devices.intro')}</p>
      <h3 class="subsection-heading">{t('devices.add.heading')}</h3>
      <ol class="steps">
        <li>
          {t('devices.add.run')}{' '}
          <code class="command" data-testid="device-command" translate={false}>
            coffer login {address ?? '…'}
          </code>
        </li>
        <li>{t('devices.add.type')}</li>
      </ol>
      <form onSubmit={add} noValidate>
        <Field
          id="device-code"
          label={t('devices.add.code')}
          hint={t('devices.add.codeHint')}
          value={code}
          onValue={setCode}
          autoComplete="off"
          spellcheck={false}
          autoCapitalize="characters"
          maxLength={40}
          error={fieldError}
          testid="device-code"
        />
        <fieldset class="fieldset">
          <legend class="field__label">{t('devices.add.may')}</legend>
          <Checkbox
            id="device-scope-send"
            label={t('devices.scope.send')}
            checked={send}
            onChange={setSend}
            testid="device-scope-send"
          />
          <Checkbox
            id="device-scope-pull"
            label={t('devices.scope.pull')}
            checked={pull}
            onChange={setPull}
            testid="device-scope-pull"
          />
        </fieldset>
        <p class="field__hint">{t('devices.add.warning')}</p>
        <div class="button-row">
          <button type="submit" class="button" disabled={busy} data-testid="device-add">
            {t('devices.add.submit')}
          </button>
        </div>
        {busy && step === null && <Progress text={t('devices.working')} testid="devices-working" />}
      </form>
      {problem && (
        <ErrorAlert testid="devices-error" focusKey={problem.n}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <StatusLine text={status} testid="devices-status" />
      <h3 class="subsection-heading">{t('devices.list.caption')}</h3>
      <ListTable
        items={devices}
        failed={problem !== null && devices === null}
        testid="devices-list"
        loadingTestid="devices-loading"
        caption={t('devices.list.caption')}
        empty={t('devices.list.empty')}
        columns={[
          t('devices.list.name'),
          t('devices.list.may'),
          t('devices.list.enrolled'),
          t('devices.list.lastUsed'),
          <span class="visually-hidden">{t('devices.list.actions')}</span>,
        ]}
        row={(device) => (
          <tr key={device.deviceId} data-testid="device-row" data-device={device.deviceId}>
            <th scope="row" data-label={t('devices.list.name')}>
              {device.name}
            </th>
            <td data-label={t('devices.list.may')}>{scopesText(t, device.scopes)}</td>
            <td data-label={t('devices.list.enrolled')}>{formatDateTime(locale, device.enrolledAt)}</td>
            <td data-label={t('devices.list.lastUsed')}>
              {device.lastUsedAt === null ? t('devices.list.never') : formatDateTime(locale, device.lastUsedAt)}
            </td>
            <td>
              <div class="button-row">
                <button
                  type="button"
                  class="button button--small button--secondary"
                  onClick={() => setStep({ kind: 'newToken', device })}
                  disabled={busy}
                  data-testid="device-new-token"
                  aria-label={t('devices.newToken.label', { name: device.name })}
                >
                  {t('devices.newToken')}
                </button>
                <button
                  type="button"
                  class="button button--small button--secondary"
                  onClick={() => setStep({ kind: 'rename', device })}
                  disabled={busy}
                  data-testid="device-rename"
                  aria-label={t('devices.rename.label', { name: device.name })}
                >
                  {t('devices.rename')}
                </button>
                <button
                  type="button"
                  class="button button--small button--danger"
                  onClick={() => setStep({ kind: 'remove', device })}
                  disabled={busy}
                  data-testid="device-remove"
                  aria-label={t('devices.remove.label', { name: device.name })}
                >
                  {t('devices.remove')}
                </button>
              </div>
            </td>
          </tr>
        )}
      />
      {tokens.length > 0 && <h3 class="subsection-heading">{t('devices.tokens.caption')}</h3>}
      {tokens.length > 0 && (
        <ListTable
          items={tokens}
          failed={false}
          testid="tokens-list"
          loadingTestid="tokens-loading"
          caption={t('devices.tokens.caption')}
          columns={[
            t('devices.tokens.label'),
            t('devices.tokens.device'),
            t('devices.list.may'),
            t('devices.list.lastUsed'),
            <span class="visually-hidden">{t('devices.list.actions')}</span>,
          ]}
          row={({ device, token }) => (
            <tr key={token.tokenId} data-testid="token-row">
              <th scope="row" data-label={t('devices.tokens.label')}>
                {token.label}
              </th>
              <td data-label={t('devices.tokens.device')}>{device.name}</td>
              <td data-label={t('devices.list.may')}>{scopesText(t, token.scopes)}</td>
              <td data-label={t('devices.list.lastUsed')}>
                {token.lastUsedAt === null ? t('devices.list.never') : formatDateTime(locale, token.lastUsedAt)}
              </td>
              <td>
                <button
                  type="button"
                  class="button button--small button--danger"
                  onClick={() => setStep({ kind: 'revokeToken', device, token })}
                  disabled={busy}
                  data-testid="token-revoke"
                  aria-label={t('devices.tokens.revoke.label', { label: token.label ?? '' })}
                >
                  {t('devices.tokens.revoke')}
                </button>
              </td>
            </tr>
          )}
        />
      )}
      {step?.kind === 'rename' && (
        <RenameDialog
          device={step.device}
          busy={busy}
          onCancel={() => setStep(null)}
          onSave={(name) =>
            void act(async () => {
              await renameDevice(step.device.deviceId, name);
              setStep(null);
              return t('devices.renamed', { name });
            })
          }
        />
      )}
      {step?.kind === 'newToken' && (
        <TokenDialog
          device={step.device}
          busy={busy}
          onCancel={() => setStep(null)}
          onCreate={(label, scopes) =>
            void act(async () => {
              const made = await createApiToken(step.device.deviceId, { label, scopes });
              setStep({ kind: 'tokenMade', device: step.device, token: made.token, label });
              return t('devices.tokens.made', { label });
            })
          }
        />
      )}
      {step?.kind === 'tokenMade' && (
        <Dialog open title={t('devices.tokens.shown.title')} onClose={() => setStep(null)} testid="token-made">
          <p>{t('devices.tokens.shown.intro', { label: step.label, name: step.device.name })}</p>
          <Field
            id="token-value"
            label={t('devices.tokens.shown.value')}
            value={step.token}
            onValue={() => {}}
            readOnly
            spellcheck={false}
            rows={2}
            testid="token-value"
          />
          <div class="button-row">
            <button type="button" class="button" onClick={() => setStep(null)} data-testid="token-made-done">
              {t('devices.tokens.shown.done')}
            </button>
          </div>
        </Dialog>
      )}
      <ConfirmDialog
        open={step?.kind === 'remove'}
        title={t('devices.remove.title', { name: step?.kind === 'remove' ? step.device.name : '' })}
        confirmLabel={t('devices.remove')}
        cancelLabel={t('action.cancel')}
        danger
        busy={busy}
        testid="device-remove-dialog"
        onCancel={() => setStep(null)}
        onConfirm={() => {
          if (step?.kind !== 'remove') return;
          const { device } = step;
          void act(async () => {
            await revokeDevice(device.deviceId);
            setStep(null);
            return t('devices.removed', { name: device.name });
          });
        }}
      >
        <p>{t('devices.remove.body')}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={step?.kind === 'revokeToken'}
        title={t('devices.tokens.revoke.title', {
          label: step?.kind === 'revokeToken' ? (step.token.label ?? '') : '',
        })}
        confirmLabel={t('devices.tokens.revoke')}
        cancelLabel={t('action.cancel')}
        danger
        busy={busy}
        testid="token-revoke-dialog"
        onCancel={() => setStep(null)}
        onConfirm={() => {
          if (step?.kind !== 'revokeToken') return;
          const { device, token } = step;
          void act(async () => {
            await revokeApiToken(device.deviceId, token.tokenId);
            setStep(null);
            return t('devices.tokens.revoked', { label: token.label ?? '' });
          });
        }}
      >
        <p>{t('devices.tokens.revoke.body')}</p>
      </ConfirmDialog>
    </section>
  );
}

function RenameDialog(props: {
  readonly device: Device;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onSave: (name: string) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [name, setName] = useState(props.device.name);
  const [error, setError] = useState<string | null>(null);
  const save = (event: Event): void => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 60) return setError(t('devices.rename.invalid'));
    props.onSave(trimmed);
  };
  return (
    <Dialog
      open
      title={t('devices.rename.title')}
      onClose={props.onCancel}
      busy={props.busy}
      testid="device-rename-dialog"
    >
      <form onSubmit={save} noValidate>
        <Field
          id="device-name"
          label={t('devices.list.name')}
          value={name}
          onValue={setName}
          maxLength={60}
          error={error}
          testid="device-name"
        />
        <div class="button-row">
          <button type="submit" class="button" disabled={props.busy} data-testid="device-rename-save">
            {t('devices.rename.save')}
          </button>
          <button type="button" class="button button--secondary" onClick={props.onCancel} disabled={props.busy}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function TokenDialog(props: {
  readonly device: Device;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onCreate: (label: string, scopes: DeviceScope[]) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [label, setLabel] = useState('');
  const [send, setSend] = useState(props.device.scopes.includes('send'));
  const [pull, setPull] = useState(props.device.scopes.includes('pull'));
  const [error, setError] = useState<string | null>(null);
  const create = (event: Event): void => {
    event.preventDefault();
    const scopes = chosenScopes(send, pull);
    const trimmed = label.trim();
    if (trimmed === '' || trimmed.length > 60) return setError(t('devices.tokens.invalid'));
    if (scopes === null) return setError(t('devices.add.scopesMissing'));
    props.onCreate(trimmed, scopes);
  };
  return (
    <Dialog
      open
      title={t('devices.newToken.title', { name: props.device.name })}
      onClose={props.onCancel}
      busy={props.busy}
      testid="token-dialog"
    >
      <form onSubmit={create} noValidate>
        <p>{t('devices.newToken.intro')}</p>
        <Field
          id="token-label"
          label={t('devices.tokens.label')}
          hint={t('devices.tokens.labelHint')}
          value={label}
          onValue={setLabel}
          maxLength={60}
          error={error}
          testid="token-label"
        />
        <fieldset class="fieldset">
          <legend class="field__label">{t('devices.add.may')}</legend>
          {props.device.scopes.includes('send') && (
            <Checkbox id="token-scope-send" label={t('devices.scope.send')} checked={send} onChange={setSend} />
          )}
          {props.device.scopes.includes('pull') && (
            <Checkbox id="token-scope-pull" label={t('devices.scope.pull')} checked={pull} onChange={setPull} />
          )}
        </fieldset>
        <div class="button-row">
          <button type="submit" class="button" disabled={props.busy} data-testid="token-create">
            {t('devices.newToken.submit')}
          </button>
          <button type="button" class="button button--secondary" onClick={props.onCancel} disabled={props.busy}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
