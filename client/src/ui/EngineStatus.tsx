// Whether this browser's encryption engine is loading, ready or failed, as a polite live
// region in plain words, with the library's version behind "technical details". `data-state` lets browser tests wait for it.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CryptoEngine, EngineState } from '../crypto/engine';
import { useI18n } from '../i18n/context';

function useEngineState(engine: CryptoEngine): EngineState {
  const [state, setState] = useState(engine.state);
  useEffect(() => {
    setState(engine.state);
    return engine.subscribe(setState);
  }, [engine]);
  return state;
}

export function EngineStatus({ engine }: { readonly engine: CryptoEngine }): JSX.Element {
  const { t } = useI18n();
  const state = useEngineState(engine);
  const text = t(
    state.kind === 'ready' ? 'engine.ready' : state.kind === 'loading' ? 'engine.loading' : 'engine.failed',
  );
  return (
    <>
      <div class="engine-status" role="status" data-testid="engine-status" data-state={state.kind}>
        <span class="engine-status__indicator" aria-hidden="true" />
        <span class="engine-status__text">{text}</span>
      </div>
      {state.kind === 'ready' && (
        // The library's version is for whoever supports the office, not for the reader of the page.
        <details class="engine-details">
          <summary>{t('engine.details')}</summary>
          <p data-testid="engine-version">{t('engine.version', { version: state.libsodium })}</p>
        </details>
      )}
    </>
  );
}
