/**
 * Redeems the bot's `/new` link, opened through Telegram's `login_url` button:
 * `/new?tg_id=…&dialog=…&manager=…&token=…&exp=…&sig=…` plus the login data
 * Telegram adds (`id`, `first_name`, …, `auth_date`, `hash`). The whole query
 * goes to the server, which checks both signatures and that the opener is the
 * manager the link was made for, before spending the token. Then on to the
 * request form for the link's dialog. A refused link says why and the way on
 * (whose link it is; type /new again; or continue when already signed in).
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert, Anchor, Stack } from '@mantine/core';
import { api, ApiError, type Session } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSessionChanged } from '../session.js';
import { PageLoader } from '../components/common.js';
import { safeNext } from './SignInPage.js';

type Refusal = { reason?: string; owner?: string; next?: string };

export default function SignInLinkPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const changed = useSessionChanged();
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const query = Object.fromEntries(params.entries());
    api<Session & { next?: string }>('/auth/link', { method: 'POST', body: { token: params.get('token') ?? '', query } }).then(
      (session) => {
        changed(session);
        void navigate(safeNext(session.next ?? params.get('next')), { replace: true });
      },
      (error: unknown) => setRefusal(error instanceof ApiError ? (error.body as Refusal) : {}),
    );
  }, [params, navigate, changed]);

  if (!refusal) return <PageLoader />;
  const text =
    refusal.reason === 'other_manager'
      ? t('signIn.linkOtherManager', { owner: refusal.owner ?? '' })
      : refusal.reason === 'expired'
        ? t('signIn.linkExpired')
        : refusal.reason === 'used'
          ? t('signIn.linkUsed')
          : refusal.reason === 'telegram_required'
            ? t('signIn.linkNeedsTelegram')
            : t('signIn.linkFailed');
  return (
    <Stack>
      <Alert color={refusal.reason === 'expired' || refusal.reason === 'used' ? 'yellow' : 'red'} data-testid="link-refused" data-reason={refusal.reason ?? 'invalid'}>
        {text}
      </Alert>
      {refusal.next && (
        <Anchor component={Link} to={safeNext(refusal.next)} data-testid="link-continue">
          {t('signIn.linkContinue')}
        </Anchor>
      )}
    </Stack>
  );
}
