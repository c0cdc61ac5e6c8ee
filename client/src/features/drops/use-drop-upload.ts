// Uploading files to a drop from a page, as the drop link page and the client portal both do:
// the files and message checked against the drop's limits first, then one upload at a time
// with progress per file, a Cancel while files are uploading (not while the upload is being
// submitted), the browser asking before the tab is closed mid-upload, and the upload stopped when
// the page goes away.
import { useState } from 'preact/hooks';
import { useEngine } from '../../crypto/context';
import { EngineError } from '../../crypto/engine';
import { MAX_MESSAGE_CHARACTERS } from '../../crypto/protocol';
import type { Translate } from '../../i18n';
import { useCancellable } from '../../ui/cancel';
import { useLeaveGuard } from '../send/leave-guard';
import type { FileProgress } from '../send/UploadProgress';
import { uploadToDrop, type Receipt } from './drop-flow';
import { limitProblems, problemText, type DropLimits } from './limits';

type UploadPhase = 'uploading' | 'submitting';

/** What to upload where; `grant` is asked for only once the checks passed. */
interface UploadRequest {
  readonly dropId: string;
  readonly grant: () => Promise<string>;
  readonly files: readonly File[];
  readonly message: string;
  readonly receiptMail: boolean;
}

export interface DropUpload {
  /** The running upload's phase; null when none runs. */
  readonly working: UploadPhase | null;
  readonly progress: readonly FileProgress[];
  /** Stops the running upload (the worker removes what it uploaded). */
  readonly cancel: () => void;
  readonly resetProgress: () => void;
  /** True while an upload runs, already before the page shows it. */
  readonly running: () => boolean;
  /** What is wrong with these files or this message for the drop, worded, with its field; or null. */
  readonly check: (
    t: Translate,
    locale: string,
    limits: DropLimits,
    files: readonly File[],
    message: string,
  ) => { readonly text: string; readonly field: 'files' | 'message' } | null;
  /**
   * Uploads; resolves with the receipt, or null when the person cancelled (the page says so).
   * Any other failure is thrown for the page to word.
   */
  readonly upload: (request: UploadRequest) => Promise<Receipt | null>;
}

export function useDropUpload(): DropUpload {
  const engine = useEngine();
  const transfer = useCancellable();
  const [working, setWorking] = useState<UploadPhase | null>(null);
  const [progress, setProgress] = useState<readonly FileProgress[]>([]);
  useLeaveGuard(working !== null);

  const check: DropUpload['check'] = (t, locale, limits, files, message) => {
    const problems = limitProblems(files, limits);
    if (problems.length > 0) return { text: problems.map((p) => problemText(t, locale, p)).join(' '), field: 'files' };
    if (message.length > MAX_MESSAGE_CHARACTERS)
      return { text: t('send.message.tooLong', { max: MAX_MESSAGE_CHARACTERS }), field: 'message' };
    return null;
  };

  const upload = async (request: UploadRequest): Promise<Receipt | null> => {
    const signal = transfer.begin();
    if (!signal) return null;
    setProgress(request.files.map(() => null));
    setWorking('uploading');
    try {
      const grant = await request.grant();
      return await uploadToDrop(
        engine,
        {
          dropId: request.dropId,
          grant,
          files: request.files,
          message: request.message,
          receiptMail: request.receiptMail,
        },
        {
          signal,
          fileProgress: (index, p) => setProgress((previous) => previous.map((item, i) => (i === index ? p : item))),
          fileDone: (index) => setProgress((previous) => previous.map((item, i) => (i === index ? 'done' : item))),
          submitting: () => setWorking('submitting'),
        },
      );
    } catch (error) {
      if (signal.aborted || (error instanceof EngineError && error.code === 'cancelled')) return null;
      throw error;
    } finally {
      transfer.end();
      setWorking(null);
    }
  };

  return {
    working,
    progress,
    cancel: transfer.cancel,
    resetProgress: () => setProgress([]),
    running: transfer.running,
    check,
    upload,
  };
}
