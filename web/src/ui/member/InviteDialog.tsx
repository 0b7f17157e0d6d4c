import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { formatDays, periodInDays } from '../../shared/time';
import { ApiError } from '../../transport/http';
import type { MemberRuntime, PendingView } from '../../member/runtime';
import { Dialog } from '../common/Dialog';
import { QrCode } from './QrCode';

interface InviteDialogProps {
  runtime: MemberRuntime;
  /** Show this invitation again instead of making a new one. */
  existing?: PendingView;
  /** Make the new link for this person (after their chat expired). */
  guestName?: string;
  onClose: () => void;
}

/** Makes an invitation and shows its link three ways: to copy, to share, and as a QR code. */
export function InviteDialog({ runtime, existing, guestName, onClose }: InviteDialogProps) {
  const [invitation, setInvitation] = useState<PendingView | null>(existing ?? null);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const linkId = useId();
  const started = useRef(false);

  useEffect(() => {
    if (existing || started.current) return;
    started.current = true;
    runtime.invite(guestName).then(setInvitation, (e: unknown) => setError(explain(e)));
  }, []);

  const copy = async (link: string) => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      field.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  const canShare = typeof navigator.share === 'function';
  const forName = invitation?.guestName ?? guestName;

  return (
    <Dialog title="Invite a friend" onClose={onClose} wide>
      {!invitation && !error && (
        <p class="dialog-text muted" role="status">
          Making a secure link…
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {invitation && invitation.link && (
        <div class="invite">
          <div class="invite-main">
            <p class="dialog-text">
              {forName ? (
                <>
                  Send this link to <bdi>{forName}</bdi> to start a new chat.
                </>
              ) : (
                'Send this link to the person you want to chat with, by text message or e-mail.'
              )}{' '}
              They need no account, and your messages are end-to-end encrypted.
            </p>
            <div class="field">
              <label for={linkId}>Invitation link</label>
              <input
                id={linkId}
                ref={field}
                class="invite-link"
                readOnly
                value={invitation.link}
                onFocus={(e) => e.currentTarget.select()}
              />
            </div>
            <div class="button-row">
              <button type="button" class="button primary" onClick={() => void copy(invitation.link!)}>
                Copy link
              </button>
              {canShare && (
                <button
                  type="button"
                  class="button"
                  onClick={() =>
                    void navigator
                      .share({ title: 'GuestChat', text: 'Chat with me on GuestChat', url: invitation.link! })
                      .catch(() => undefined)
                  }
                >
                  Share
                </button>
              )}
            </div>
            <p class="copy-status" role="status" aria-live="polite">
              {copied ? 'Link copied.' : ''}
            </p>
            <p class="invite-note">
              The link works once and expires after{' '}
              {formatDays(periodInDays(invitation.expiresAt - invitation.createdAt))} if unused.
            </p>
          </div>
          <div class="invite-qr">
            <QrCode text={invitation.link} label="QR code for phones to scan" />
            <p class="invite-qr-caption">Or let them scan this code with their phone's camera.</p>
          </div>
        </div>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

function explain(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'too-many-invitations')
      return 'You have 20 unused invitations. Cancel one before making another.';
    if (error.code === 'rate-limited') return 'You are making invitations too quickly. Please wait a minute.';
    if (error.code === 'network') return 'GuestChat cannot be reached. Check your connection and try again.';
    return error.message;
  }
  return 'The invitation could not be made. Please try again.';
}
