import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { guestNameProblem, GUEST_NAME_MAX } from '../../shared/display-name';
import { formatDays, periodInDays } from '../../shared/time';
import type { JoinedChat, PreparedJoin } from '../../guest/join';
import { JoinError } from '../../guest/join-error';
import type { GuestDb } from '../../storage/guest-db';
import { guestApi, type PublicInvitation } from '../../transport/guest-api';
import { Logo } from '../common/Logo';
import { loadChatScreen, loadJoin } from './lazy';
import type { LinkProblem } from './link-problems';

interface InvitePageProps {
  /** This tab's database, once it holds the guest lock. */
  db: Promise<GuestDb>;
  invitation: PublicInvitation;
  linkSecret: string;
  onJoined: (db: GuestDb, joined: JoinedChat) => Promise<void>;
  onProblem: (problem: LinkProblem) => void;
}

/**
 * Who invites, what this is, a display name and the terms: nothing is used up before "Join chat". Once the form
 * is on screen, the page loads the joining code and the chat, and prepares the join (verifies the bundle, makes
 * the guest's keys and first message: local work, nothing sent or stored) while the guest reads and types.
 */
export function InvitePage({ db, invitation: initial, linkSecret, onJoined, onProblem }: InvitePageProps) {
  const [invitation, setInvitation] = useState(initial);
  const prepared = useRef<Promise<PreparedJoin> | null>(null);
  const [name, setName] = useState('');
  const [accepted, setAccepted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [nameError, setNameError] = useState('');
  const [error, setError] = useState('');
  const id = useId();

  const prepare = (): Promise<PreparedJoin> => {
    const preparing = loadJoin().then((join) => join.prepareJoin(linkSecret, invitation));
    preparing.catch(() => undefined); // reported when the guest presses "Join chat"
    return preparing;
  };

  useEffect(() => {
    prepared.current = prepare();
    loadChatScreen().catch(() => undefined); // tried again once joined
  }, [linkSecret, invitation.id]);

  const join = async (event: Event) => {
    event.preventDefault();
    const problem = guestNameProblem(name);
    setNameError(problem ?? '');
    setError(accepted ? '' : 'Please accept the Terms of Service to join.');
    if (problem || !accepted) return;
    setBusy(true);
    const preparing = prepared.current ?? prepare();
    prepared.current = null; // one claim attempt per prepared join
    try {
      const [join, ready, database] = await Promise.all([loadJoin(), preparing, db]);
      const joined = await join.joinChat(database, ready, invitation, name.trim());
      await onJoined(database, joined);
    } catch (e) {
      setBusy(false);
      if (e instanceof JoinError && e.problem) return onProblem(e.problem);
      prepared.current = prepare();
      if (!(e instanceof JoinError)) {
        setError('Joining did not work. Please try again.');
        return;
      }
      if (e.termsChanged) {
        setAccepted(false);
        try {
          setInvitation(await guestApi.publicInvitation(invitation.id));
        } catch {
          // The next attempt fetches it again.
        }
      }
      setError(e.message);
    }
  };

  return (
    <main class="guest-page">
      <div class="card guest-card">
        <Logo />
        <h1 class="guest-title">
          <bdi>{invitation.inviterName}</bdi> invited you to a private chat
        </h1>
        <p class="guest-intro">
          No account needed: you chat right here in your browser. Messages are end-to-end encrypted, and the chat
          ends after {formatDays(periodInDays(invitation.inactivityPeriodMs))} without messages.
        </p>
        <form class="form" onSubmit={join} noValidate>
          <div class="field">
            <label for={`${id}-name`}>Display name</label>
            <input
              id={`${id}-name`}
              name="displayName"
              autocomplete="nickname"
              maxLength={GUEST_NAME_MAX}
              required
              value={name}
              dir="auto"
              aria-invalid={nameError ? true : undefined}
              aria-describedby={`${id}-name-hint${nameError ? ` ${id}-name-error` : ''}`}
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <p id={`${id}-name-hint`} class="field-hint">
              The name <bdi>{invitation.inviterName}</bdi> will see.
            </p>
            {nameError && (
              <p id={`${id}-name-error`} class="field-error">
                {nameError}
              </p>
            )}
          </div>
          <div class="check">
            <input
              id={`${id}-terms`}
              type="checkbox"
              checked={accepted}
              onChange={(e) => setAccepted(e.currentTarget.checked)}
            />
            <label for={`${id}-terms`}>
              I accept the{' '}
              <a href="/terms" target="_blank" rel="noopener">
                Terms of Service
              </a>
            </label>
          </div>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="button primary block" disabled={busy}>
            {busy ? 'Joining…' : 'Join chat'}
          </button>
        </form>
      </div>
    </main>
  );
}
