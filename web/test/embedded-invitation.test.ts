import { describe, expect, it } from 'vitest';
import { embeddedInvitation } from '../src/guest/embedded';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
// As the server writes it (System.Text.Json's default encoder: '<', '>', '&', quotes and non-ASCII as \u escapes).
const SERVED =
  '{"id":"AAAAAAAAAAAAAAAAAAAAAA","inviterName":"Ada \\u003C/script\\u003E \\u0026 \\u00C9mile","bundle":"AQID",' +
  '"bundleTag":"BAUG","expiresAt":1700000000000,"termsVersion":"0123456789abcdef","inactivityPeriodMs":864000000}';

describe('the invitation the server embeds in the guest page', () => {
  it('is read with its bytes and the name as text', () => {
    const invitation = embeddedInvitation(SERVED, ID);
    expect(invitation).not.toBeNull();
    expect(invitation!.inviterName).toBe('Ada </script> & Émile');
    expect([...invitation!.bundle]).toEqual([1, 2, 3]);
    expect([...invitation!.bundleTag]).toEqual([4, 5, 6]);
    expect(invitation!.termsVersion).toBe('0123456789abcdef');
    expect(invitation!.inactivityPeriodMs).toBe(864000000);
  });

  it('is ignored when absent, so the page asks the API', () => {
    expect(embeddedInvitation(null, ID)).toBeNull();
    expect(embeddedInvitation(undefined, ID)).toBeNull();
    expect(embeddedInvitation('', ID)).toBeNull();
  });

  it('is ignored when it names another invitation (a stale or cached page)', () => {
    expect(embeddedInvitation(SERVED, 'BBBBBBBBBBBBBBBBBBBBBB')).toBeNull();
  });

  it('is ignored when malformed', () => {
    expect(embeddedInvitation('{"id":', ID)).toBeNull();
    expect(embeddedInvitation('[]', ID)).toBeNull();
    expect(embeddedInvitation(SERVED.replace('"bundle":"AQID"', '"bundle":"not base64!"'), ID)).toBeNull();
    expect(embeddedInvitation(SERVED.replace('"expiresAt":1700000000000', '"expiresAt":"soon"'), ID)).toBeNull();
    expect(embeddedInvitation(SERVED.replace(',"termsVersion":"0123456789abcdef"', ''), ID)).toBeNull();
  });
});
