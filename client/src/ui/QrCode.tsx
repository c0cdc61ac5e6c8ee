// A QR code drawn as SVG rectangles (see qr.ts: no data: URL, no SVG markup strings).
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { qrDrawing } from './qr';

export function QrCode({
  text,
  label,
  testid,
}: {
  readonly text: string;
  readonly label: string;
  readonly testid?: string;
}): JSX.Element {
  const drawing = useMemo(() => qrDrawing(text), [text]);
  return (
    <svg
      class="qr-code"
      viewBox={`0 0 ${drawing.size} ${drawing.size}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-testid={testid}
    >
      <rect x={0} y={0} width={drawing.size} height={drawing.size} fill="#ffffff" />
      {drawing.rects.map((rect) => (
        <rect key={`${rect.x},${rect.y}`} x={rect.x} y={rect.y} width={rect.width} height={1} fill="#000000" />
      ))}
    </svg>
  );
}
