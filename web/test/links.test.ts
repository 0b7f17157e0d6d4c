import { describe, expect, it } from 'vitest';
import { invitationIdFromPath, invitationLink, isInvitationId, linkSecretFromHash } from '../src/shared/links';

const ID = 'AbCdEfGhIjKlMnOpQrSt_-';
const SECRET = 'q7Yl0mH2kQ3s9xW4vB8nE1rT6uZ5cP0aJdKfLgMhNiO';

describe('invitation links', () => {
  it('puts the secret only in the fragment', () => {
    const link = invitationLink('https://chat.example', ID, SECRET);
    expect(link).toBe(`https://chat.example/i/${ID}#${SECRET}`);
    const url = new URL(link);
    expect(url.pathname).toBe(`/i/${ID}`);
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#${SECRET}`);
  });

  it('reads the invitation id from the guest page path', () => {
    expect(invitationIdFromPath(`/i/${ID}`)).toBe(ID);
    expect(invitationIdFromPath(`/i/${ID}/`)).toBe(ID);
    expect(isInvitationId(ID)).toBe(true);
  });

  it('refuses paths that are not an invitation', () => {
    expect(invitationIdFromPath('/')).toBeNull();
    expect(invitationIdFromPath('/i/')).toBeNull();
    expect(invitationIdFromPath('/i/short')).toBeNull();
    expect(invitationIdFromPath(`/i/${ID}x`)).toBeNull();
    expect(invitationIdFromPath(`/i/${ID}/more`)).toBeNull();
    expect(invitationIdFromPath(`/x/${ID}`)).toBeNull();
    expect(invitationIdFromPath('/i/AbCdEfGhIjKlMnOpQrSt%2F')).toBeNull();
  });

  it('reads the secret from the hash, and nothing from a missing or mangled one', () => {
    expect(linkSecretFromHash(`#${SECRET}`)).toBe(SECRET);
    expect(linkSecretFromHash('')).toBeNull();
    expect(linkSecretFromHash('#')).toBeNull();
    expect(linkSecretFromHash('#abc')).toBeNull();
    expect(linkSecretFromHash(`#${SECRET}<script>`)).toBeNull();
    expect(linkSecretFromHash(`#${SECRET} `)).toBeNull();
  });
});
