import { useEffect, useState } from 'preact/hooks';
import { securityCode, type Session } from '../../crypto';
import { Dialog } from './Dialog';

/** Splits the 60-digit code into the 12 groups of 5 both people read to each other. */
export function codeGroups(code: string): string[] {
  const digits = code.replace(/\D/g, '');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 5) groups.push(digits.slice(i, i + 5));
  return groups;
}

interface SecurityCodeDialogProps {
  session: () => Promise<Session | undefined>;
  peerName: string;
  onClose: () => void;
}

export function SecurityCodeDialog({ session, peerName, onClose }: SecurityCodeDialogProps) {
  const [groups, setGroups] = useState<string[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const s = await session();
        if (!s) throw new Error('no session');
        const code = await securityCode(s);
        if (alive) setGroups(codeGroups(code));
      } catch {
        if (alive) setFailed(true);
      }
    })();
    return () => {
      alive = false;
    };
  }, []);

  return (
    <Dialog title="Security code" onClose={onClose}>
      <p class="dialog-text">
        Compare these numbers with <bdi>{peerName}</bdi>, in person or on a call. If they match on both screens, nobody
        else can read your messages.
      </p>
      {groups && (
        <p class="security-code" aria-label={`Security code: ${groups.join(' ')}`}>
          {groups.map((g, i) => (
            <span key={i} class="security-code-group">
              {g}
              {i < groups.length - 1 ? ' ' : ''}
            </span>
          ))}
        </p>
      )}
      {!groups && !failed && <p class="dialog-text muted">Working out the code…</p>}
      {failed && <p class="field-error">The security code is not available on this device yet.</p>}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
