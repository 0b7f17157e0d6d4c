import { useId, useState } from 'preact/hooks';
import { ApiError } from '../../transport/http';
import { memberApi, type Member } from '../../transport/member-api';
import { Logo } from '../common/Logo';

type Mode = 'sign-in' | 'create';

/** Sign in, or create an account: one form that switches between the two. */
export function AuthScreen({ onSignedIn }: { onSignedIn: (member: Member) => void }) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const id = useId();
  const creating = mode === 'create';
  const title = creating ? 'Create account' : 'Sign in';

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setFieldErrors({});
    try {
      const member = creating
        ? await memberApi.createAccount(username.trim(), displayName.trim(), password)
        : await memberApi.signIn(username.trim(), password);
      onSignedIn(member);
    } catch (e) {
      const { message, fields } = explain(e);
      setError(message);
      setFieldErrors(fields);
      setBusy(false);
    }
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setError('');
    setFieldErrors({});
  };

  const field = (name: string) =>
    fieldErrors[name] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${name}-error` } : {};

  return (
    <main class="auth">
      <div class="auth-card">
        <div class="auth-brand">
          <Logo />
          <p class="auth-tagline">Private, end-to-end encrypted chats with people who have no account.</p>
        </div>
        <h1 class="auth-title">{title}</h1>
        <form class="form" onSubmit={submit} noValidate={false}>
          <div class="field">
            <label for={`${id}-username`}>Username</label>
            <input
              id={`${id}-username`}
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              minLength={3}
              maxLength={32}
              pattern={creating ? '[A-Za-z0-9_.]{3,32}' : undefined}
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
              {...field('username')}
            />
            {creating && <p class="field-hint">3 to 32 letters, digits, dots or underscores.</p>}
            <FieldError id={`${id}-username-error`} text={fieldErrors.username} />
          </div>
          {creating && (
            <div class="field">
              <label for={`${id}-display`}>Display name</label>
              <input
                id={`${id}-display`}
                name="displayName"
                autocomplete="name"
                required
                maxLength={64}
                value={displayName}
                onInput={(e) => setDisplayName(e.currentTarget.value)}
                {...field('displayName')}
              />
              <p class="field-hint">Your guests see this name.</p>
              <FieldError id={`${id}-displayName-error`} text={fieldErrors.displayName} />
            </div>
          )}
          <div class="field">
            <label for={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autocomplete={creating ? 'new-password' : 'current-password'}
              required
              minLength={creating ? 10 : 1}
              maxLength={256}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              {...field('password')}
            />
            {creating && <p class="field-hint">At least 10 characters.</p>}
            <FieldError id={`${id}-password-error`} text={fieldErrors.password} />
          </div>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="button primary block" disabled={busy}>
            {title}
          </button>
        </form>
        <p class="auth-switch">
          {creating ? 'Already have an account?' : 'New to GuestChat?'}{' '}
          <button type="button" class="link-button" onClick={() => switchTo(creating ? 'sign-in' : 'create')}>
            {creating ? 'Sign in' : 'Create account'}
          </button>
        </p>
      </div>
    </main>
  );
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p id={id} class="field-error">
      {text}
    </p>
  );
}

function explain(error: unknown): { message: string; fields: Record<string, string> } {
  if (!(error instanceof ApiError)) return { message: 'Something went wrong. Please try again.', fields: {} };
  switch (error.code) {
    case 'invalid-credentials':
      return { message: 'Wrong username or password.', fields: {} };
    case 'username-taken':
      return { message: '', fields: { username: 'This username is already taken.' } };
    case 'rate-limited':
      return { message: 'Too many attempts. Please wait a minute and try again.', fields: {} };
    case 'network':
      return { message: 'GuestChat cannot be reached. Check your connection and try again.', fields: {} };
    case 'validation': {
      const fields: Record<string, string> = {};
      for (const [key, messages] of Object.entries(error.errors)) {
        const name = key.charAt(0).toLowerCase() + key.slice(1);
        if (messages[0]) fields[name] = messages[0];
      }
      return { message: Object.keys(fields).length ? '' : error.message, fields };
    }
    default:
      return { message: error.message, fields: {} };
  }
}
