import { useEffect, useState } from 'preact/hooks';
import { bootGuest, type BootScreen } from '../../guest/boot';
import { forgetLinkSecret } from '../../guest/link-location';
import type { GuestRuntime } from '../../guest/runtime';
import { startWhenSaved } from '../../guest/start-when-saved';
import { GuestDb, type GuestRecord } from '../../storage/guest-db';
import { guestApi } from '../../transport/guest-api';
import { ApiError } from '../../transport/http';
import { Logo } from '../common/Logo';
import type { GuestChatView } from './GuestChatView';
import { InvitePage } from './InvitePage';
import { loadChatScreen } from './lazy';
import type { LinkProblem } from './link-problems';
import { LinkProblemPage } from './LinkProblemPage';

type Screen =
  | Exclude<BootScreen, { kind: 'resume' } | { kind: 'failed' }>
  | { kind: 'chat'; runtime: GuestRuntime; View: typeof GuestChatView; saved: Promise<void> }
  | { kind: 'left' }
  | { kind: 'failed'; text: string };

const UNREACHABLE = 'GuestChat cannot be reached right now. Reload the page to try again.';
const NOT_SAVED =
  'This browser could not save the chat, so it cannot go on here. Check that this browser lets sites store data, then ask for a new link.';

/** The guest page at /i/{id}: the invitation, the chat it opens, or why the link cannot be used. */
export function GuestApp({ start }: { start: (show: (screen: BootScreen) => void) => BootScreen }) {
  const [screen, setScreen] = useState<Screen>(() => {
    const first = start((next) => void settle(next));
    return first.kind === 'resume' || first.kind === 'failed' ? { kind: 'loading', text: '' } : first;
  });

  async function settle(next: BootScreen): Promise<void> {
    try {
      if (next.kind === 'failed') throw next.error;
      setScreen(next.kind === 'resume' ? await resume(next.db, next.record) : next);
    } catch (error) {
      console.error('GuestChat: could not open the invitation', error);
      setScreen({ kind: 'failed', text: UNREACHABLE });
    }
  }

  useEffect(() => {
    if (screen.kind !== 'chat') return;
    return startWhenSaved(screen.runtime, screen.saved, (error) => {
      console.error('GuestChat: could not save the chat in this browser', error);
      setScreen({ kind: 'failed', text: NOT_SAVED });
    });
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
          onProblem={(problem: LinkProblem) => setScreen({ kind: 'problem', problem })}
          onJoined={async (db, { record, saved }) => {
            forgetLinkSecret();
            try {
              // On screen at once; it connects once the session is saved.
              setScreen(await chatScreen(db, record, saved));
            } catch (error) {
              // The chat's code did not load. Joined and kept: a reload opens the chat from this browser.
              console.error('GuestChat: could not open the chat', error);
              const kept = await saved.then(() => true, () => false);
              setScreen({ kind: 'failed', text: kept ? UNREACHABLE : NOT_SAVED });
            }
          }}
        />
      );
    case 'chat': {
      const { runtime, View } = screen;
      return (
        <View
          runtime={runtime}
          onLeft={async () => {
            await runtime.leave();
            await GuestDb.destroy(runtime.db);
            setScreen({ kind: 'left' });
          }}
        />
      );
    }
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

async function chatScreen(db: GuestDb, record: GuestRecord, saved = Promise.resolve()): Promise<Screen> {
  const { GuestRuntime, GuestChatView } = await loadChatScreen();
  return { kind: 'chat', runtime: new GuestRuntime(db, record), View: GuestChatView, saved };
}

/** The same browser opened the link again: back to its chat, history included, while the chat lives. */
async function resume(db: GuestDb, record: GuestRecord): Promise<Screen> {
  forgetLinkSecret(); // already joined: the secret is not needed again
  const chat = loadChatScreen();
  chat.catch(() => undefined);
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
  await chat;
  return chatScreen(db, (await db.guest()) ?? record);
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
