// The heading of one step in a multi-step page (sign-in code, new password, recovery key).
// It takes focus when the step appears, so screen readers announce the new step and
// keyboard users continue from there.
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function StepHeading({
  children,
  focus = true,
  level = 2,
  id,
  testid,
}: {
  readonly children: string;
  readonly focus?: boolean;
  readonly level?: 2 | 3;
  readonly id?: string;
  readonly testid?: string;
}): JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  const Tag = level === 2 ? 'h2' : 'h3';
  return (
    <Tag ref={ref} tabIndex={-1} class="step-heading" id={id} data-testid={testid}>
      {children}
    </Tag>
  );
}
