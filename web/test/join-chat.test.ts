import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../src/crypto';
import { joinChat, prepareJoin } from '../src/guest/join';
import { startWhenSaved } from '../src/guest/start-when-saved';
import type { GuestDb, GuestRecord } from '../src/storage/guest-db';
import type { GuestChatView } from '../src/transport/guest-api';
import { INVITATION_ID, publishInvitation } from './support/published-invitation';

/** The server accepting every claim, as `POST /api/invitations/{id}/claim` answers. */
function serverAcceptsClaims(): void {
  const view: GuestChatView = {
    chatId: 'BBBBBBBBBBBBBBBBBBBBBB',
    invitationId: INVITATION_ID,
    memberName: 'Ada',
    guestName: 'Robin',
    state: 'active',
    lastActivityAt: Date.now(),
    expiresAt: Date.now() + 864_000_000,
  };
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(view), { status: 201, headers: { 'Content-Type': 'application/json' } }));
}

/** A guest database whose write of the new session is held until the test lets it finish or fail. */
function heldDatabase() {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const writes: { record: GuestRecord; chatId: string; session: Session }[] = [];
  const db = {
    replaceWith: (record: GuestRecord, chatId: string, session: Session) => {
      writes.push({ record, chatId, session });
      return new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
    },
  } as unknown as GuestDb;
  return { db, writes, finish: () => finish(), fail: (error: Error) => fail(error) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('joining shows the chat while its session is being saved', () => {
  it('answers once the claim is accepted, with the write of the session under way', async () => {
    const { made, published: invitation } = await publishInvitation();
    const prepared = await prepareJoin(made.linkSecret, invitation);
    serverAcceptsClaims();
    const held = heldDatabase();

    const joined = await joinChat(held.db, prepared, invitation, 'Robin');

    expect(joined.record).toMatchObject({ chatId: 'BBBBBBBBBBBBBBBBBBBBBB', displayName: 'Robin', memberName: 'Ada', status: 'active' });
    expect(held.writes).toHaveLength(1);
    expect(held.writes[0]!.record).toBe(joined.record);
    expect(held.writes[0]!.session).toBe(prepared.session);
    let saved = false;
    void joined.saved.then(() => (saved = true));
    await Promise.resolve();
    expect(saved).toBe(false);
    held.finish();
    await joined.saved;
    expect(saved).toBe(true);
  });

  it('reports a write that fails through saved, not as an unhandled rejection', async () => {
    const { made, published: invitation } = await publishInvitation();
    const prepared = await prepareJoin(made.linkSecret, invitation);
    serverAcceptsClaims();
    const held = heldDatabase();

    const joined = await joinChat(held.db, prepared, invitation, 'Robin');
    held.fail(new Error('QuotaExceededError'));

    await expect(joined.saved).rejects.toThrow('QuotaExceededError');
  });
});

describe('a joined chat connects only once its session is saved', () => {
  const chat = () => ({ start: vi.fn(), stop: vi.fn() });

  it('starts after the write, not before', async () => {
    const runtime = chat();
    let finish!: () => void;
    const saved = new Promise<void>((resolve) => (finish = resolve));
    const lost = vi.fn();

    startWhenSaved(runtime, saved, lost);
    await Promise.resolve();
    expect(runtime.start).not.toHaveBeenCalled();
    finish();
    await saved;
    await Promise.resolve();

    expect(runtime.start).toHaveBeenCalledOnce();
    expect(lost).not.toHaveBeenCalled();
  });

  it('never connects when the write fails, and says so', async () => {
    const runtime = chat();
    const failure = new Error('QuotaExceededError');
    const saved = Promise.reject(failure);
    const lost = vi.fn();

    startWhenSaved(runtime, saved, lost);
    await saved.catch(() => undefined);
    await Promise.resolve();

    expect(runtime.start).not.toHaveBeenCalled();
    expect(lost).toHaveBeenCalledWith(failure);
  });

  it('does nothing more once stopped, whatever the write does later', async () => {
    const runtime = chat();
    let finish!: () => void;
    const saved = new Promise<void>((resolve) => (finish = resolve));
    const lost = vi.fn();

    const stop = startWhenSaved(runtime, saved, lost);
    stop();
    finish();
    await saved;
    await Promise.resolve();

    expect(runtime.stop).toHaveBeenCalledOnce();
    expect(runtime.start).not.toHaveBeenCalled();
    expect(lost).not.toHaveBeenCalled();
  });
});
