/** `/admin`: users, organizations, our requisites and working hours (admins only); `?tab=` keeps the open tab across reloads. */
import { useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Grid, Group, Paper, PasswordInput, Select, Stack, Table, Tabs, TextInput, Title } from '@mantine/core';
import { SearchSelect } from '../components/pickers.js';
import { api, type OrganizationKind, type Role } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState } from '../components/common.js';
import { OurRequisites } from '../components/OurRequisites.js';
import { WorkingHours } from '../components/WorkingHours.js';
import { useFormState, useSubmit } from '../components/forms.js';
import { useMe } from '../session.js';

interface OrganizationRow {
  id: number;
  name: string;
  kind: OrganizationKind;
  isOurs: boolean;
}
interface UserRow {
  id: number;
  email: string | null;
  name: string;
  role: Role;
  organizationId: number;
  organizationName: string;
  disabled: boolean;
}

const TABS = ['users', 'organizations', 'requisites', 'hours'] as const;

export default function AdminPage() {
  const { t } = useI18n();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  if (me?.role !== 'admin') {
    // A manager who followed the bot's requisites warning learns who can fill them, not that the page does not exist.
    if (params.get('tab') === 'requisites') return <Alert color="yellow" data-testid="requisites-admin-only">{t('admin.requisitesAdminOnly')}</Alert>;
    return <Alert color="gray">{t('common.notFoundText')}</Alert>;
  }
  const tab = TABS.find((name) => name === params.get('tab')) ?? 'users';
  return (
    <Stack>
      <Title order={2}>{t('nav.admin')}</Title>
      <PausedGroups />
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'users' ? { tab: value } : {}, { replace: true })}>
        <Tabs.List>
          <Tabs.Tab value="users">{t('admin.users')}</Tabs.Tab>
          <Tabs.Tab value="organizations">{t('admin.organizations')}</Tabs.Tab>
          <Tabs.Tab value="requisites">{t('admin.requisites')}</Tabs.Tab>
          <Tabs.Tab value="hours">{t('admin.hours')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <Users />
        </Tabs.Panel>
        <Tabs.Panel value="organizations" pt="md">
          <Organizations />
        </Tabs.Panel>
        <Tabs.Panel value="requisites" pt="md">
          {tab === 'requisites' && <OurRequisites />}
        </Tabs.Panel>
        <Tabs.Panel value="hours" pt="md">
          {tab === 'hours' && <WorkingHours />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

interface TelegramHealth {
  pausedGroups: Array<{ chatId: number; pausedAt: string; reason: string; reasonCode: 'removed' | 'muted' | 'not_forum' | 'gone' | 'other'; waiting: number }>;
  unhealthyGroups: Array<{ chatId: number; problem: 'cannot_read_messages' | 'cannot_manage_topics'; since: string }>;
}

/**
 * A banner per managers' group the bot cannot post into (its messages wait,
 * in order, until the bot's rights return), and per group where it posts but
 * cannot read managers' messages or create topics — each saying what to do.
 */
function PausedGroups() {
  const { t, dateTime } = useI18n();
  const health = useQuery({ queryKey: ['admin', 'telegram-health'], queryFn: () => api<TelegramHealth>('/admin/telegram-health'), refetchInterval: 30_000 });
  return (
    <>
      {health.data?.pausedGroups.map((group) => (
        <Alert key={group.chatId} color="red" title={t('admin.paused.title', { chat: group.chatId })} role="alert">
          {t('admin.paused.text', {
            since: dateTime(group.pausedAt),
            waiting: group.waiting,
            reason: group.reasonCode === 'other' ? t('admin.paused.reason.other', { answer: group.reason }) : t(`admin.paused.reason.${group.reasonCode}`),
          })}
        </Alert>
      ))}
      {health.data?.unhealthyGroups.map((group) => (
        <Alert key={`${group.chatId}:${group.problem}`} color="orange" title={t(`admin.unhealthy.${group.problem}.title`, { chat: group.chatId })} role="alert">
          {t(`admin.unhealthy.${group.problem}.text`, { since: dateTime(group.since) })}
        </Alert>
      ))}
    </>
  );
}

function useOrganizations() {
  return useQuery({ queryKey: ['admin', 'organizations'], queryFn: () => api<OrganizationRow[]>('/admin/organizations') });
}

function Users() {
  const { t } = useI18n();
  const client = useQueryClient();
  const users = useQuery({ queryKey: ['admin', 'users'], queryFn: () => api<UserRow[]>('/admin/users') });
  const organizations = useOrganizations();
  const { values, set, setValues } = useFormState({ name: '', email: '', password: '', role: 'agent' as Role, organizationId: '' });
  const refresh = () => client.invalidateQueries({ queryKey: ['admin', 'users'] });
  const { submit, fieldErrors, error, busy } = useSubmit(
    () => api('/admin/users', { method: 'POST', body: { ...values, organizationId: values.organizationId ? Number(values.organizationId) : null } }),
    () => {
      setValues((v) => ({ ...v, name: '', email: '', password: '' }));
      void refresh();
    },
    values,
  );
  const toggle = async (user: UserRow) => {
    await api(`/admin/users/${user.id}`, { method: 'PATCH', body: { disabled: !user.disabled } });
    void refresh();
  };
  const roles: Role[] = ['admin', 'manager', 'agent', 'customer'];
  return (
    <Stack>
      <QueryState query={users}>
        {() => (
          <Table striped data-testid="users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.user.name')}</Table.Th>
                <Table.Th>{t('admin.user.email')}</Table.Th>
                <Table.Th>{t('admin.user.role')}</Table.Th>
                <Table.Th>{t('admin.user.organization')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data!.map((user) => (
                <Table.Tr key={user.id}>
                  <Table.Td>
                    {user.name} {user.disabled && <Badge color="gray">{t('admin.user.disabled')}</Badge>}
                  </Table.Td>
                  <Table.Td>{user.email}</Table.Td>
                  <Table.Td>{t(`role.${user.role}`)}</Table.Td>
                  <Table.Td>{user.organizationName}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="subtle" onClick={() => void toggle(user)}>
                      {user.disabled ? t('admin.user.enable') : t('admin.user.disable')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <Paper withBorder p="md">
        <form onSubmit={submit} noValidate>
          <Title order={4} mb="sm">
            {t('admin.user.add')}
          </Title>
          {error && <Alert color="red" mb="sm">{error}</Alert>}
          <Grid>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <TextInput label={t('admin.user.name')} value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={fieldErrors.name} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <TextInput label={t('admin.user.email')} value={values.email} onChange={(e) => set('email', e.currentTarget.value)} error={fieldErrors.email} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <PasswordInput label={t('admin.user.password')} visibilityToggleButtonProps={{ 'aria-label': t('signIn.passwordVisibility') }} value={values.password} onChange={(e) => set('password', e.currentTarget.value)} error={fieldErrors.password} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Select label={t('admin.user.role')} data={roles.map((role) => ({ value: role, label: t(`role.${role}`) }))} value={values.role} onChange={(v) => set('role', (v ?? 'agent') as Role)} error={fieldErrors.role} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <SearchSelect
                label={t('admin.user.organization')}
                nothingFoundMessage={(organizations.data ?? []).length === 0 ? t('admin.user.noOrganizations') : undefined}
                data={(organizations.data ?? []).map((o) => ({ value: String(o.id), label: o.name }))}
                value={values.organizationId || null}
                onChange={(v) => set('organizationId', v ?? '')}
                error={fieldErrors.organizationId}
              />
            </Grid.Col>
          </Grid>
          <Button type="submit" mt="md" loading={busy}>
            {t('common.create')}
          </Button>
        </form>
      </Paper>
    </Stack>
  );
}

function Organizations() {
  const { t } = useI18n();
  const client = useQueryClient();
  const organizations = useOrganizations();
  const { values, set } = useFormState({ name: '', kind: 'agent' as OrganizationKind });
  const refresh = () => client.invalidateQueries({ queryKey: ['admin', 'organizations'] });
  const { submit, fieldErrors, error, busy } = useSubmit(
    () => api('/admin/organizations', { method: 'POST', body: values }),
    () => {
      set('name', '');
      void refresh();
    },
    values,
  );
  const rename = async (organization: OrganizationRow) => {
    const name = window.prompt(t('admin.org.rename'), organization.name);
    if (!name || name === organization.name) return;
    await api(`/admin/organizations/${organization.id}`, { method: 'PATCH', body: { name } });
    void refresh();
  };
  const kinds: OrganizationKind[] = ['customer', 'agent', 'both'];
  return (
    <Stack>
      <QueryState query={organizations}>
        {() => (
          <Table striped data-testid="organizations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.org.name')}</Table.Th>
                <Table.Th>{t('admin.org.kind')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {organizations.data!.map((organization) => (
                <Table.Tr key={organization.id}>
                  <Table.Td>
                    {organization.name} {organization.isOurs && <Badge>{t('admin.org.ours')}</Badge>}
                  </Table.Td>
                  <Table.Td>{t(`orgKind.${organization.kind}`)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="subtle" onClick={() => void rename(organization)}>
                      {t('admin.org.rename')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <Paper withBorder p="md">
        <form onSubmit={submit} noValidate>
          <Title order={4} mb="sm">
            {t('admin.org.add')}
          </Title>
          {error && <Alert color="red" mb="sm">{error}</Alert>}
          <Group align="flex-start">
            <TextInput label={t('admin.org.name')} value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={fieldErrors.name} />
            <Select label={t('admin.org.kind')} data={kinds.map((kind) => ({ value: kind, label: t(`orgKind.${kind}`) }))} value={values.kind} onChange={(v) => set('kind', (v ?? 'agent') as OrganizationKind)} error={fieldErrors.kind} />
          </Group>
          <Button type="submit" mt="md" loading={busy}>
            {t('common.create')}
          </Button>
        </form>
      </Paper>
    </Stack>
  );
}
