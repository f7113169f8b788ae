/**
 * Redeems a single-use sign-in link from the bot: `/auth/link?token=…`, or the
 * bot's signed `/new?tg_id=…&dialog=…&token=…&exp=…&sig=…` (the whole query
 * goes to the server, which checks the signature before spending the token).
 * Then on to the request form for the link's dialog.
 */
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert } from '@mantine/core';
import { api, type Session } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSessionChanged } from '../session.js';
import { PageLoader } from '../components/common.js';
import { safeNext } from './SignInPage.js';

export default function SignInLinkPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const changed = useSessionChanged();
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const signed = params.has('sig') ? Object.fromEntries(params.entries()) : undefined;
    api<Session & { next?: string }>('/auth/link', { method: 'POST', body: { token: params.get('token') ?? '', query: signed } }).then(
      (session) => {
        changed(session);
        void navigate(safeNext(session.next ?? params.get('next')), { replace: true });
      },
      () => setFailed(true),
    );
  }, [params, navigate, changed]);

  return failed ? <Alert color="red">{t('signIn.linkFailed')}</Alert> : <PageLoader />;
}
