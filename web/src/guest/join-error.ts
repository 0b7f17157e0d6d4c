import type { LinkProblem } from '../ui/guest/link-problems';

/** Why joining did not work: a link problem to show instead of the form, changed terms, or a sentence for the form. */
export class JoinError extends Error {
  constructor(
    message: string,
    readonly problem: LinkProblem | null = null,
    readonly termsChanged = false,
  ) {
    super(message);
    this.name = 'JoinError';
  }
}
