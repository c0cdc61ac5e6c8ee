// A warning on the admin page while the server's disk is nearly full (uploads are refused then;
// docs/operations.md, "Free space"). Renders nothing when space is fine or the report cannot be read.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getHealth } from '../../api/health';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';

export function LowSpaceNotice(): JSX.Element | null {
  const { t } = useI18n();
  const [low, setLow] = useState(false);
  useEffect(() => {
    let live = true;
    getHealth().then(
      (health) => live && setLow(health.storage.state === 'low'),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  if (!low) return null;
  return (
    <Notice tone="warning" testid="low-space">
      <p>{t('admin.lowSpace')}</p>
    </Notice>
  );
}
