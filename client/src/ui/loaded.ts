// What a page lists from the server (users, invitations, sessions): loaded when the page
// appears and again when the language changes (so a failure is told in the new language), and
// reloaded by the page after each change it makes.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context';
import { errorMessage } from './errors';

/** The loaded value (null until the first load succeeds) and a function that loads it again. */
export function useLoaded<T>(
  load: () => Promise<T>,
  fail: (text: string) => void,
): readonly [T | null, () => Promise<void>] {
  const { t } = useI18n();
  const [value, setValue] = useState<T | null>(null);
  const latest = useRef({ load, fail });
  latest.current = { load, fail };

  const reload = useCallback(async () => {
    try {
      setValue(await latest.current.load());
    } catch (error) {
      latest.current.fail(errorMessage(t, error));
    }
  }, [t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return [value, reload];
}
