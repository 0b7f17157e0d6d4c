import { useEffect, useState } from 'preact/hooks';
import { forgetLinkSecret, reloadOnNewFragment, takeLinkFromAddress, type OpenedLink } from '../../guest/link-location';
import { GuestRuntime } from '../../guest/runtime';
import { holdTabLock } from '../../shared/tab-lock';
import { GuestDb, type GuestRecord } from '../../storage/guest-db';
import { guestApi, type PublicInvitation } from '../../transport/guest-api';
import { ApiError } from '../../transport/http';
import { Logo } from '../common/Logo';
import { GuestChatView } from './GuestChatView';
import { InvitePage } from './InvitePage';
import { problemFromCode, type LinkProblem } from './link-problems';
import { LinkProblemPage } from './LinkProblemPage';

type Screen =
  | { kind: 'loading'; text: string }
  | { kind: 'problem'; problem: LinkProblem }
  | { kind: 'invite'; db: GuestDb; invitation: PublicInvitation; linkSecret: string }
  | { kind: 'chat'; runtime: GuestRuntime }
  | { kind: 'left' }
  | { kind: 'failed'; text: string };

// Read before anything renders: the secret leaves the address bar at once.
const opened: OpenedLink = takeLinkFromAddress();
reloadOnNewFragment();

/** The guest page at /i/{id}: the invitation, the chat it opens, or why the link cannot be used. */
export function GuestApp() {
  const [screen, setScreen] = useState<Screen>({ kind: 'loading', text: 'Opening your invitation…' });

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      await holdTabLock('guestchat-guest', () => {
        if (!cancelled) setScreen({ kind: 'loading', text: 'This chat is open in another tab. Close it to continue here.' });
      });
      const next = await boot(opened);
      if (!cancelled) setScreen(next);
    })().catch((error: unknown) => {
      console.error('GuestChat: could not open the invitation', error);
      if (!cancelled) setScreen({ kind: 'failed', text: 'GuestChat cannot be reached right now. Reload the page to try again.' });
    });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (screen.kind !== 'chat') return;
    screen.runtime.start();
    return () => screen.runtime.stop();
  }, [screen]);

  switch (screen.kind) {
    case 'problem':
      return <LinkProblemPage problem={screen.problem} />;
    case 'invite':
      return (
        <InvitePage
          db={screen.db}
          invitation={screen.invitation}
          linkSecret={screen.linkSecret}
          onProblem={(problem) => setScreen({ kind: 'problem', problem })}
          onJoined={(record) => {
            forgetLinkSecret();
            setScreen({ kind: 'chat', runtime: new GuestRuntime(screen.db, record) });
          }}
        />
      );
    case 'chat':
      return (
        <GuestChatView
          runtime={screen.runtime}
          onLeft={async () => {
            await screen.runtime.leave();
            await GuestDb.destroy(screen.runtime.db);
            setScreen({ kind: 'left' });
          }}
        />
      );
    case 'left':
      return (
        <Message title="You left the chat" text="The chat has ended, and everything it kept in this browser is deleted." />
      );
    case 'failed':
      return <Message title="Something went wrong" text={screen.text} alert />;
    default:
      return <Message title="" text={screen.text} />;
  }
}

/** Decides what the opened link leads to: back into this browser's chat, the invitation, or a problem. */
async function boot(link: OpenedLink): Promise<Screen> {
  if (!link.invitationId) return { kind: 'problem', problem: 'invalid' };
  const db = await GuestDb.open();
  const record = await db.guest();
  if (record && record.invitationId === link.invitationId) {
    forgetLinkSecret(); // already joined: the secret is not needed again
    return resume(db, record);
  }
  if (!link.linkSecret) return { kind: 'problem', problem: 'invalid' };
  try {
    const invitation = await guestApi.publicInvitation(link.invitationId);
    return { kind: 'invite', db, invitation, linkSecret: link.linkSecret };
  } catch (error) {
    if (error instanceof ApiError && error.status !== 0 && error.status !== 429 && error.status < 500)
      return { kind: 'problem', problem: problemFromCode(error.code) ?? 'invalid' };
    throw error;
  }
}

/** The same browser opened the link again: back to its chat, history included, while the chat lives. */
async function resume(db: GuestDb, record: GuestRecord): Promise<Screen> {
  if (record.status === 'active') {
    try {
      const view = await guestApi.chat();
      if (view.chatId !== record.chatId) return { kind: 'problem', problem: 'used' };
      if (view.state !== 'active') await db.setStatus(view.state);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // No guest session any more: the chat expired (the server ends it and its session together).
      if (error.status === 401) await db.setStatus('expired');
      // Offline: show the chat from what this browser keeps; the socket catches up when it can.
    }
  }
  const current = (await db.guest()) ?? record;
  return { kind: 'chat', runtime: new GuestRuntime(db, current) };
}

function Message({ title, text, alert = false }: { title: string; text: string; alert?: boolean }) {
  return (
    <main class="guest-page">
      <div class="card guest-card">
        <Logo />
        {title && <h1 class="guest-title">{title}</h1>}
        <p class="muted" role={alert ? 'alert' : 'status'}>
          {text}
        </p>
      </div>
    </main>
  );
}
