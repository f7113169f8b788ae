import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { api, ApiError, type Session } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSessionChanged } from '../session.js';

/** Only paths of this app: never send a person elsewhere after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const changed = useSessionChanged();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError(t('signIn.fill'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>('/auth/sign-in', { method: 'POST', body: { email, password } });
      changed(session);
      void navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.status !== 0 ? e.message : t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper maw={420} mx="auto" p="lg" withBorder>
      {/* noValidate: an empty field is answered by the page in its language, not by the browser's own pop-up in the browser's. */}
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2}>{t('signIn.title')}</Title>
          {error && (
            <Alert color="red" data-testid="sign-in-error">
              {error}
            </Alert>
          )}
          <TextInput label={t('signIn.email')} name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label={t('signIn.password')} visibilityToggleButtonProps={{ 'aria-label': t('signIn.passwordVisibility') }} name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Button type="submit" loading={busy}>
            {t('signIn.submit')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
