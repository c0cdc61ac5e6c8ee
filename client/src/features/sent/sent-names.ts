// File names and messages for the Sent list, decrypted in the crypto worker a share at a time
// (`sentNames`: the share's own detail, its signed manifest checked, no file key kept) and only
// for the shares the page asks for: the rows on screen, or, while a search runs, every share the
// filters leave. Names never leave the browser; the list route itself carries none. Each share
// costs one GET of its detail, so a few run side by side and an old request is abandoned when
// the page asks for other shares (a new page, a new filter, another scope).
import { useEffect, useRef, useState } from 'preact/hooks';
import { getDirectory, type SessionInfo } from '../../api/accounts';
import { getShare, type ShareSummary } from '../../api/sharing';
import { EngineError, type CryptoEngine } from '../../crypto/engine';

/** What the list knows of one share's contents. */
export type SentNames =
  | {
      readonly kind: 'named';
      readonly names: readonly string[];
      readonly message?: string;
      /** Files whose keys are gone (an ended share): counted, not named. */
      readonly missingFiles: number;
    }
  /** The manifest did not check out (`untrusted`), or the detail could not be fetched. */
  | { readonly kind: 'failed'; readonly untrusted: boolean };

/** Shares decrypted side by side: the detail requests dominate, and the worker is one thread. */
const PARALLEL = 4;

type Certificates = ReadonlyMap<string, { readonly certificate: string; readonly encryptionKeySignature: string }>;

export interface NamesProgress {
  readonly names: ReadonlyMap<string, SentNames>;
  /** How many of the wanted shares are not decrypted yet. */
  readonly pending: number;
}

export function useSentNames(engine: CryptoEngine, info: SessionInfo, wanted: readonly ShareSummary[]): NamesProgress {
  const known = useRef(new Map<string, SentNames>());
  const certificates = useRef<Promise<Certificates> | null>(null);
  const [, setVersion] = useState(0);
  const key = wanted.map((share) => share.shareId).join(',');

  useEffect(() => {
    const todo = wanted.filter((share) => !known.current.has(share.shareId));
    if (todo.length === 0) return;
    const controller = new AbortController();
    const { signal } = controller;
    const colleagues = (): Promise<Certificates> => {
      certificates.current ??= getDirectory({ signal }).then(
        ({ members }) =>
          new Map(
            members.flatMap((m) =>
              m.certificate
                ? [[m.userId, { certificate: m.certificate, encryptionKeySignature: m.encryptionKeySignature }]]
                : [],
            ),
          ),
        (error: unknown) => {
          certificates.current = null;
          throw error;
        },
      );
      return certificates.current;
    };
    const nameOne = async (share: ShareSummary): Promise<SentNames> => {
      try {
        const detail = await getShare(share.shareId, { signal });
        const sender = detail.senderId === info.me.userId ? undefined : (await colleagues()).get(detail.senderId);
        const named = await engine.call('sentNames', { share: detail, ...(sender ? { sender } : {}) });
        return {
          kind: 'named',
          names: named.names,
          ...(named.message !== undefined ? { message: named.message } : {}),
          missingFiles: named.missingFiles,
        };
      } catch (error) {
        if (signal.aborted) throw error;
        return { kind: 'failed', untrusted: error instanceof EngineError && error.code === 'untrusted' };
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length && !signal.aborted) {
        const share = todo[next++] as ShareSummary;
        const named = await nameOne(share);
        if (signal.aborted) return;
        known.current.set(share.shareId, named);
        setVersion((v) => v + 1);
      }
    };
    for (let i = 0; i < Math.min(PARALLEL, todo.length); i++) void worker().catch(() => undefined);
    return () => controller.abort();
    // `key` names the wanted shares (`wanted` itself is a new array on every render).
  }, [key, engine, info.me.userId]);

  const pending = wanted.reduce((n, share) => n + (known.current.has(share.shareId) ? 0 : 1), 0);
  return { names: known.current, pending };
}
