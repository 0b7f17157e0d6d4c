import { describe, expect, it } from 'vitest';
import { PROBLEM_SENTENCES, problemFromCode } from '../src/ui/guest/link-problems';

describe('a link that cannot be used', () => {
  it('maps each documented server code to its plain sentence', () => {
    const sentence = (code: string) => PROBLEM_SENTENCES[problemFromCode(code) ?? 'invalid'];
    expect(sentence('invitation-used')).toBe('This invitation has already been used');
    expect(sentence('invitation-expired')).toBe('This chat has expired');
    expect(sentence('invitation-cancelled')).toBe('This invitation was cancelled');
    expect(sentence('invitation-unknown')).toBe('This link is not valid');
    expect(sentence('claim-verifier-mismatch')).toBe('This link is not valid');
  });

  it('leaves other codes (rate limits, validation) to the form', () => {
    expect(problemFromCode('rate-limited')).toBeNull();
    expect(problemFromCode('validation')).toBeNull();
    expect(problemFromCode('terms-changed')).toBeNull();
  });
});
