/**
 * The admin page's «Наши реквизиты»: our organization's requisites, printed on
 * the documents Hotline generates without 1C. Each field is checked in the
 * browser with the same rules the server uses (src/core/requisites.ts) when
 * it is left and on saving; the server's answer is shown beside its field too.
 * In Russian the exact reason is shown, in English a per-field explanation.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Grid, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import {
  ORGANIZATION_REQUISITE_FIELDS,
  validateOrganizationRequisites,
  type OrganizationRequisiteField,
  type OrganizationRequisites,
} from '../../../src/core/requisites.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState } from './common.js';
import { useFormState, useSubmit } from './forms.js';

interface OurRequisitesAnswer {
  organization: { id: number; name: string } | null;
  requisites: OrganizationRequisites;
}

const QUERY_KEY = ['admin', 'requisites'];

/** Wide fields take the whole row. */
const WIDE: ReadonlySet<OrganizationRequisiteField> = new Set(['fullName', 'address', 'bank']);

export function OurRequisites() {
  const { t } = useI18n();
  const query = useQuery({ queryKey: QUERY_KEY, queryFn: () => api<OurRequisitesAnswer>('/admin/requisites') });
  return (
    <QueryState query={query}>
      {() =>
        query.data!.organization ? (
          <RequisitesForm key={query.data!.organization.id} answer={query.data!} />
        ) : (
          <Alert color="yellow" title={t('admin.requisites')} data-testid="requisites-no-ours">
            {t('admin.requisites.noOurs')}
          </Alert>
        )
      }
    </QueryState>
  );
}

function RequisitesForm({ answer }: { answer: OurRequisitesAnswer }) {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const { values, set, setValues } = useFormState<OrganizationRequisites>(answer.requisites);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [saved, setSaved] = useState(false);
  const { submit, fieldErrors, setFieldErrors, error, busy } = useSubmit(
    () => api<OurRequisitesAnswer>('/admin/requisites', { method: 'PUT', body: values }),
    (result) => {
      setValues(result.requisites);
      setSaved(true);
      client.setQueryData(QUERY_KEY, result);
    },
  );
  const local = validateOrganizationRequisites(values).errors;

  const errorOf = (field: OrganizationRequisiteField): string | undefined => {
    const message = fieldErrors[field] ?? (touched.has(field) ? local[field] : undefined);
    if (!message) return undefined;
    return locale === 'ru' ? message : t(`admin.requisites.error.${field}`);
  };
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    setSaved(false);
    setTouched(new Set(ORGANIZATION_REQUISITE_FIELDS));
    if (Object.keys(local).length === 0) void submit();
  };
  const hasFieldErrors = ORGANIZATION_REQUISITE_FIELDS.some((field) => errorOf(field));

  return (
    <Paper withBorder p="md">
      <form onSubmit={onSubmit} noValidate data-testid="our-requisites">
        <Stack gap="xs" mb="sm">
          <Title order={4}>{t('admin.requisites')}</Title>
          <Text size="sm">{t('admin.requisites.organization', { name: answer.organization!.name })}</Text>
          <Text size="sm" c="dimmed">
            {t('admin.requisites.hint')}
          </Text>
        </Stack>
        {error && !hasFieldErrors && (
          <Alert color="red" mb="sm">
            {error}
          </Alert>
        )}
        <Grid>
          {ORGANIZATION_REQUISITE_FIELDS.map((field) => (
            <Grid.Col key={field} span={{ base: 12, sm: WIDE.has(field) ? 12 : 6, md: WIDE.has(field) ? 12 : 4 }}>
              <TextInput
                label={t(`admin.requisites.${field}`)}
                name={field}
                inputMode={WIDE.has(field) || field === 'director' ? undefined : 'numeric'}
                value={values[field]}
                onChange={(e) => {
                  setSaved(false);
                  set(field, e.currentTarget.value);
                  // The server's word on this field no longer applies to what is typed now.
                  if (fieldErrors[field]) setFieldErrors(({ [field]: _, ...rest }) => rest);
                }}
                onBlur={() => setTouched((current) => new Set(current).add(field))}
                error={errorOf(field)}
                wrapperProps={{ 'data-testid': `requisite-${field}` }}
              />
            </Grid.Col>
          ))}
        </Grid>
        {hasFieldErrors && (
          <Text c="red" size="sm" mt="sm">
            {t('admin.requisites.invalid')}
          </Text>
        )}
        {saved && (
          <Alert color="green" mt="sm" data-testid="requisites-saved">
            {t('admin.requisites.saved')}
          </Alert>
        )}
        {/* Pressing the button must not take the focus first: the blur would show a message above it, move it down and lose the click. */}
        <Button type="submit" mt="md" loading={busy} onMouseDown={(e) => e.preventDefault()}>
          {t('common.save')}
        </Button>
      </form>
    </Paper>
  );
}
