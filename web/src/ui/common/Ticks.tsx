import type { Tick } from '../../chat/model';

const LABELS: Record<Tick, string> = {
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
};

/** The status mark on one of my messages, with its meaning as the accessible name. */
export function Ticks({ tick }: { tick: Tick }) {
  const label = LABELS[tick];
  return (
    <span class={`tick tick-${tick}`} role="img" aria-label={label} title={label}>
      <svg viewBox="0 0 20 12" width="20" height="12" aria-hidden="true" focusable="false">
        {tick === 'sending' && (
          <g class="stroke">
            <circle cx="10" cy="6" r="4.5" />
            <path d="M10 3.5V6l1.6 1.2" />
          </g>
        )}
        {tick === 'sent' && <path class="stroke" d="M4 6.5l3 3 6-7" />}
        {(tick === 'delivered' || tick === 'read') && <path class="stroke" d="M1 6.5l3 3 6-7M8 8.5l1 1 6-7" />}
        {tick === 'failed' && (
          <g class="stroke">
            <circle cx="10" cy="6" r="4.5" />
            <path d="M10 3.5v3M10 8.4v.1" />
          </g>
        )}
      </svg>
    </span>
  );
}
