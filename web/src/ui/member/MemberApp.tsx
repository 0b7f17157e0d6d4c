import { useEffect, useState } from 'preact/hooks';
import { holdTabLock } from '../../shared/tab-lock';
import { ApiError } from '../../transport/http';
import { memberApi, type Member } from '../../transport/member-api';
import { MemberRuntime } from '../../member/runtime';
import { Logo } from '../common/Logo';
import { AuthScreen } from './AuthScreen';
import { Workspace } from './Workspace';

/** The member app: who is signed in decides between the sign-in screen and the workspace. */
export function MemberApp() {
  const [member, setMember] = useState<Member | null>(null);
  const [runtime, setRuntime] = useState<MemberRuntime | null>(null);
  const [phase, setPhase] = useState<'loading' | 'signed-out' | 'waiting-for-tab'>('loading');
  const [failure, setFailure] = useState('');

  useEffect(() => {
    memberApi.me().then(setMember, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) setPhase('signed-out');
      else setFailure('GuestChat cannot be reached right now. Reload the page to try again.');
    });
  }, []);

  useEffect(() => {
    if (!member) return;
    let started: MemberRuntime | null = null;
    let release: (() => void) | null = null;
    let cancelled = false;
    void (async () => {
      try {
        release = await holdTabLock(`guestchat-member-${member.id}`, () => {
          if (!cancelled) setPhase('waiting-for-tab');
        });
        if (cancelled) return release();
        started = await MemberRuntime.start(member);
        if (cancelled) return started.stop();
        setRuntime(started);
      } catch (error) {
        console.error('GuestChat: could not start', error);
        if (!cancelled) setFailure('GuestChat could not start. Reload the page to try again.');
      }
    })();
    return () => {
      cancelled = true;
      started?.stop();
      release?.();
    };
  }, [member?.id]);

  const signOut = async () => {
    try {
      await memberApi.signOut();
    } finally {
      // A fresh page drops every in-memory key and socket of the account that signed out.
      location.hash = '';
      location.reload();
    }
  };

  if (failure) return <Splash text={failure} alert />;
  if (runtime) return <Workspace runtime={runtime} onSignOut={() => void signOut()} />;
  if (!member && phase === 'signed-out') return <AuthScreen onSignedIn={setMember} />;
  if (phase === 'waiting-for-tab')
    return <Splash text="GuestChat is open in another tab. Close it to use GuestChat here: this tab then takes over." />;
  return <Splash text="Opening GuestChat…" />;
}

function Splash({ text, alert = false }: { text: string; alert?: boolean }) {
  return (
    <main class="splash">
      <Logo />
      <p role={alert ? 'alert' : 'status'}>{text}</p>
    </main>
  );
}
