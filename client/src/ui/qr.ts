// A QR code as SVG rectangles. The page's CSP allows images only from Coffer's own origin
// (no data: URLs) and Trusted Types forbids writing SVG markup, so the code is drawn as
// Preact <rect> elements: uqr computes the module matrix, and each horizontal run of dark
// modules in a row becomes one rectangle (far fewer elements than one per module).
import { encode } from 'uqr';

export interface QrRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

export interface QrDrawing {
  /** Width and height in modules, including the quiet zone. */
  readonly size: number;
  /** Dark runs; every rectangle is one module high. */
  readonly rects: readonly QrRect[];
}

/** Horizontal runs of `true` in each row, as rectangles one module high. */
export function matrixToRects(matrix: readonly (readonly boolean[])[]): QrRect[] {
  const rects: QrRect[] = [];
  matrix.forEach((row, y) => {
    let start = -1;
    for (let x = 0; x <= row.length; x++) {
      const dark = x < row.length && row[x] === true;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        rects.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  });
  return rects;
}

/** The drawing of `text` with error correction M and the standard 4-module quiet zone. */
export function qrDrawing(text: string): QrDrawing {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  return { size, rects: matrixToRects(data) };
}
