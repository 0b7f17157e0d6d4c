import { useMemo } from 'preact/hooks';
import { encode } from 'uqr';

/** The SVG path of a QR code's dark modules, one unit per module, inside a quiet zone of `border` modules. */
export function qrPath(text: string, border = 4): { size: number; path: string } {
  const qr = encode(text, { ecc: 'M', border: 0 });
  let path = '';
  qr.data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + border} ${y + border}h1v1h-1z`;
    });
  });
  return { size: qr.size + border * 2, path };
}

/** A QR code drawn here, in the browser: the link never goes to a QR service. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, path } = useMemo(() => qrPath(text), [text]);
  return (
    <svg class="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect class="qr-light" x="0" y="0" width={size} height={size} />
      <path class="qr-dark" d={path} />
    </svg>
  );
}
