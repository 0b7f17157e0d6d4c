/**
 * The guest page's start, begun as the script runs rather than after the first paint, with its waits side by
 * side instead of one after another: this tab's lock and the local database (is this browser already in the
 * chat?) on one side, the public invitation (embedded in the page by the server, else fetched) on the other.
 *
 * An open invitation is shown as soon as it is known: a public invitation that can still be claimed cannot belong
 * to a chat this browser has joined, so the form need not wait for the database. Joining waits for both (the
 * form gets the database as a promise). The final decision, once the lock is held and the database read, is as
 * before: this browser's chat if it joined with this invitation, else the invitation or why it cannot be used.
 */
import { holdTabLock } from '../shared/tab-lock';
import { GuestDb, type GuestRecord } from '../storage/guest-db';
import { guestApi, type PublicInvitation } from '../transport/guest-api';
import { ApiError } from '../transport/http';
import { problemFromCode, type LinkProblem } from '../ui/guest/link-problems';
import type { OpenedLink } from './link-location';

export type BootScreen =
  | { kind: 'loading'; text: string }
  | { kind: 'problem'; problem: LinkProblem }
  | { kind: 'invite'; invitation: PublicInvitation; linkSecret: string; db: Promise<GuestDb> }
  | { kind: 'resume'; db: GuestDb; record: GuestRecord }
  | { kind: 'failed'; error: unknown };

export const OPENING: BootScreen = { kind: 'loading', text: 'Opening your invitation…' };
export const OTHER_TAB: BootScreen = { kind: 'loading', text: 'This chat is open in another tab. Close it to continue here.' };

type Lookup = { invitation: PublicInvitation } | { problem: LinkProblem };

/**
 * Starts opening `link` and returns the first screen to render; later screens go to `show`, the last one being
 * the decision (`resume`, `invite`, `problem` or `failed`).
 */
export function bootGuest(link: OpenedLink, embedded: PublicInvitation | null, show: (screen: BootScreen) => void): BootScreen {
  const id = link.invitationId;
  if (!id) return { kind: 'problem', problem: 'invalid' };
  let waiting = false;
  let decided = false;
  const lock = holdTabLock('guestchat-guest', () => {
    waiting = true;
    if (!decided) show(OTHER_TAB);
  });
  const local = Promise.all([lock, GuestDb.open()]).then(async ([, db]) => ({ db, record: await db.guest() }));
  const db = local.then((opened) => opened.db);
  db.catch(() => undefined); // the decision below reports a failure
  const secret = link.linkSecret;
  const lookup: Promise<Lookup> | null = !secret ? null : embedded ? Promise.resolve({ invitation: embedded }) : lookUp(id);
  const invite = (invitation: PublicInvitation): BootScreen => ({ kind: 'invite', invitation, linkSecret: secret!, db });

  let first = OPENING;
  if (embedded && secret) first = invite(embedded);
  else
    lookup?.then(
      (found) => {
        if ('invitation' in found && !waiting && !decided) show(invite(found.invitation));
      },
      () => undefined, // the decision below reports it
    );

  const decide = async (): Promise<BootScreen> => {
    const { db: opened, record } = await local;
    if (record && record.invitationId === id) return { kind: 'resume', db: opened, record };
    if (!lookup) return { kind: 'problem', problem: 'invalid' };
    const found = await lookup;
    return 'invitation' in found ? invite(found.invitation) : { kind: 'problem', problem: found.problem };
  };
  decide().then(
    (screen) => {
      decided = true;
      show(screen);
    },
    (error: unknown) => {
      decided = true;
      show({ kind: 'failed', error });
    },
  );
  return first;
}

async function lookUp(id: string): Promise<Lookup> {
  try {
    return { invitation: await guestApi.publicInvitation(id) };
  } catch (error) {
    if (error instanceof ApiError && error.status !== 0 && error.status !== 429 && error.status < 500)
      return { problem: problemFromCode(error.code) ?? 'invalid' };
    throw error;
  }
}
