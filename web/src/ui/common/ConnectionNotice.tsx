import type { ConnectionStatus } from '../../transport/socket';

/** Says so when the live connection is down; messages written meanwhile wait in the outbox. */
export function ConnectionNotice({ status }: { status: ConnectionStatus }) {
  if (status === 'online') return null;
  return (
    <p class={`connection connection-${status}`} role="status">
      {status === 'connecting' ? 'Connecting…' : 'Offline. Messages will be sent when the connection is back.'}
    </p>
  );
}
