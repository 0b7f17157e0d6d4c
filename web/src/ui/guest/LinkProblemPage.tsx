import { Logo } from '../common/Logo';
import { PROBLEM_SENTENCES, type LinkProblem } from './link-problems';

const ADVICE: Record<LinkProblem, string> = {
  used: 'Each link opens one chat, for one person. If it was meant for you, ask for a new link.',
  expired: 'Chats end after a while without messages. Ask the person who invited you for a new link.',
  cancelled: 'The person who sent it took it back. Ask them for a new link if you still want to chat.',
  invalid: 'Check that you opened the whole link, exactly as you received it, or ask for a new one.',
};

/** A link that cannot be used, said plainly. */
export function LinkProblemPage({ problem }: { problem: LinkProblem }) {
  return (
    <main class="guest-page">
      <div class="card guest-card problem-card">
        <Logo />
        <h1 class="guest-title">{PROBLEM_SENTENCES[problem]}</h1>
        <p class="muted">{ADVICE[problem]}</p>
      </div>
    </main>
  );
}
