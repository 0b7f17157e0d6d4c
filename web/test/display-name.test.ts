import { describe, expect, it } from 'vitest';
import { guestNameProblem } from '../src/shared/display-name';

describe('the guest display name rule', () => {
  it('accepts ordinary names, including markup-looking ones (they are shown as text)', () => {
    expect(guestNameProblem('Ana')).toBeNull();
    expect(guestNameProblem('  Zoë Ω  ')).toBeNull();
    expect(guestNameProblem('<img src=x onerror=1>')).toBeNull();
    expect(guestNameProblem('x'.repeat(25))).toBeNull();
  });

  it('refuses empty, too long, control and bidirectional-override names', () => {
    expect(guestNameProblem('   ')).not.toBeNull();
    expect(guestNameProblem('x'.repeat(26))).not.toBeNull();
    expect(guestNameProblem('a\u0007b')).not.toBeNull();
    expect(guestNameProblem('evil\u202Egnp.exe')).not.toBeNull();
    expect(guestNameProblem('a\u2066b')).not.toBeNull();
    expect(guestNameProblem('a\u061Cb')).not.toBeNull();
  });
});
