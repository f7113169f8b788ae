import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useI18n } from '../i18n.js';
import { useMe } from '../session.js';

export default function HomePage() {
  const { t } = useI18n();
  const me = useMe();
  return (
    <Stack gap="sm">
      <Title order={1}>{t('app.name')}</Title>
      <Text c="dimmed">{t('app.tagline')}</Text>
      {me ? (
        <Text>{t('home.signedInAs', { name: me.name, org: me.organizationName })}</Text>
      ) : (
        <Text>
          {t('home.pleaseSignIn')}{' '}
          <Anchor component={Link} to="/sign-in">
            {t('nav.signIn')}
          </Anchor>
        </Text>
      )}
    </Stack>
  );
}
