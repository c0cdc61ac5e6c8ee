// While files are being encrypted and uploaded, closing the tab, reloading or leaving for another
// site would throw the upload away half done: the browser asks "Leave this page?" first. Only
// while an upload runs, so an idle page never nags. The browser words the question itself (no
// page may set its text any more), and shows it only after the person has used the page.
import { useEffect } from 'preact/hooks';

export function useLeaveGuard(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const ask = (event: BeforeUnloadEvent): void => {
      event.preventDefault();
      // Older Chromium and Safari ask only when returnValue is set.
      event.returnValue = true;
    };
    addEventListener('beforeunload', ask);
    return () => removeEventListener('beforeunload', ask);
  }, [active]);
}
