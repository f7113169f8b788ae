/**
 * The admin page's «Рабочее время» (issue 19.3): hours per weekday, days off
 * and holidays, working days that are normally off (dates ДД.ММ.ГГГГ in
 * Russian through DateField), and whether a client who writes off hours gets
 * the automatic answer. The server checks everything (src/core/workingHours.ts)
 * and answers every refused field at once; each message is shown beside its
 * field, what was typed stays in it (a date that is no date, 31.02.2026, is
 * sent as typed and refused with the rest), and nothing is saved.
 */
import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { DateField } from './DateField.js';
import { QueryState } from './common.js';
import { useSubmit } from './forms.js';

interface DayHours {
  start: string;
  end: string;
}
interface WorkingHoursValue {
  week: Array<DayHours | null>;
  holidays: string[];
  workdays: Array<DayHours & { date: string }>;
  offHoursAnswer: boolean;
}
interface WorkingHoursAnswer extends WorkingHoursValue {
  timeZone: string;
  limitMinutes: number;
}

const QUERY_KEY = ['admin', 'working-hours'];
const DEFAULT_DAY: DayHours = { start: '09:00', end: '18:00' };

export function WorkingHours() {
  const query = useQuery({ queryKey: QUERY_KEY, queryFn: () => api<WorkingHoursAnswer>('/admin/working-hours') });
  return <QueryState query={query}>{() => <WorkingHoursForm answer={query.data!} />}</QueryState>;
}

function WorkingHoursForm({ answer }: { answer: WorkingHoursAnswer }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [value, setValue] = useState<WorkingHoursValue>({ week: answer.week, holidays: answer.holidays, workdays: answer.workdays, offHoursAnswer: answer.offHoursAnswer });
  // Week rows keep their last hours while unticked, so ticking a day again restores them.
  const [kept, setKept] = useState<DayHours[]>(answer.week.map((day) => day ?? DEFAULT_DAY));
  const [saved, setSaved] = useState(false);
  // Rows keep their own key when one above them is removed: a date field keeps the text typed into it, not its row's number.
  const nextKey = useRef(0);
  const newKeys = (count: number) => Array.from({ length: count }, () => nextKey.current++);
  const [holidayKeys, setHolidayKeys] = useState(() => newKeys(answer.holidays.length));
  const [workdayKeys, setWorkdayKeys] = useState(() => newKeys(answer.workdays.length));
  const { submit, fieldErrors, setFieldErrors, error, busy } = useSubmit(
    () => api<WorkingHoursAnswer>('/admin/working-hours', { method: 'PUT', body: value }),
    (result) => {
      setValue({ week: result.week, holidays: result.holidays, workdays: result.workdays, offHoursAnswer: result.offHoursAnswer });
      // Saved lists come back sorted: rows are laid anew.
      setHolidayKeys(newKeys(result.holidays.length));
      setWorkdayKeys(newKeys(result.workdays.length));
      setSaved(true);
      client.setQueryData(QUERY_KEY, result);
    },
  );
  /** Applies an edit; the server's word on the edited fields no longer applies. */
  const edit = (next: WorkingHoursValue, ...fields: string[]) => {
    setSaved(false);
    setValue(next);
    if (fields.some((field) => Object.keys(fieldErrors).some((key) => key === field || key.startsWith(`${field}.`)))) {
      setFieldErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !fields.some((field) => key === field || key.startsWith(`${field}.`)))));
    }
  };
  const setDay = (day: number, hours: DayHours | null) => {
    if (hours) setKept((current) => current.map((h, i) => (i === day ? hours : h)));
    edit({ ...value, week: value.week.map((h, i) => (i === day ? hours : h)) }, `week.${day}`, 'week');
  };
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  // A refused save brings its first refused field into view, with the cursor in it: on a phone the save button is a
  // screen below the week, and a refusal beside a field out of sight looked like nothing had happened.
  const form = useRef<HTMLFormElement>(null);
  const submits = useRef(0);
  const refusedAt = useRef(0);
  useEffect(() => {
    if (busy || !hasFieldErrors || refusedAt.current === submits.current) return;
    refusedAt.current = submits.current;
    const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.scrollIntoView({ block: 'center' });
    first?.focus({ preventScroll: true });
  }, [busy, hasFieldErrors]);

  return (
    <Paper withBorder p="md">
      <form
        noValidate
        data-testid="working-hours"
        ref={form}
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          submits.current += 1;
          void submit();
        }}
      >
        <Stack gap="sm">
          <Title order={4}>{t('admin.hours')}</Title>
          <Text size="sm" c="dimmed">
            {t('admin.hours.hint', { zone: answer.timeZone })}
          </Text>
          <Text size="sm" data-testid="hours-limit">
            {answer.limitMinutes > 0 ? t('admin.hours.limit', { minutes: answer.limitMinutes }) : t('admin.hours.limitOff')}
          </Text>
          {error && !hasFieldErrors && <Alert color="red">{error}</Alert>}
          <Title order={5}>{t('admin.hours.week')}</Title>
          {fieldErrors['week'] && (
            <Text c="red" size="sm" data-testid="hours-week-error">
              {fieldErrors['week']}
            </Text>
          )}
          <Table withRowBorders={false} maw={560}>
            <Table.Tbody>
              {value.week.map((hours, day) => (
                <Table.Tr key={day} data-testid={`hours-day-${day}`}>
                  <Table.Td w={150}>
                    <Checkbox
                      label={t(`admin.hours.day.${day}` as MessageKey)}
                      aria-label={`${t(`admin.hours.day.${day}` as MessageKey)}: ${t('admin.hours.working')}`}
                      checked={hours !== null}
                      onChange={(e) => setDay(day, e.currentTarget.checked ? kept[day]! : null)}
                    />
                  </Table.Td>
                  <Table.Td>
                    {hours && (
                      <TimeRange
                        value={hours}
                        errors={{ start: fieldErrors[`week.${day}.start`], end: fieldErrors[`week.${day}.end`] }}
                        label={t(`admin.hours.day.${day}` as MessageKey)}
                        onChange={(next) => setDay(day, next)}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>

          <Title order={5}>{t('admin.hours.holidays')}</Title>
          {fieldErrors['holidays'] && <Text c="red" size="sm">{fieldErrors['holidays']}</Text>}
          {value.holidays.map((date, i) => (
            <Group key={holidayKeys[i] ?? `new-${i}`} align="flex-start" data-testid={`hours-holiday-${i}`}>
              <DateField
                keepTyped
                label={t('admin.hours.holiday')}
                value={date}
                error={fieldErrors[`holidays.${i}`]}
                onChange={(next) => edit({ ...value, holidays: value.holidays.map((d, j) => (j === i ? next : d)) }, `holidays.${i}`)}
              />
              <Button
                mt={24}
                variant="subtle"
                color="gray"
                onClick={() => {
                  setHolidayKeys((keys) => keys.filter((_, j) => j !== i));
                  edit({ ...value, holidays: value.holidays.filter((_, j) => j !== i) }, 'holidays');
                }}
              >
                {t('admin.hours.remove')}
              </Button>
            </Group>
          ))}
          <Group>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setHolidayKeys((keys) => [...keys, ...newKeys(1)]);
                edit({ ...value, holidays: [...value.holidays, ''] });
              }}
              data-testid="hours-add-holiday"
            >
              {t('admin.hours.addHoliday')}
            </Button>
          </Group>

          <Title order={5}>{t('admin.hours.workdays')}</Title>
          {fieldErrors['workdays'] && <Text c="red" size="sm">{fieldErrors['workdays']}</Text>}
          {value.workdays.map((day, i) => (
            <Group key={workdayKeys[i] ?? `new-${i}`} align="flex-start" data-testid={`hours-workday-${i}`}>
              <DateField
                keepTyped
                label={t('admin.hours.workday')}
                value={day.date}
                error={fieldErrors[`workdays.${i}.date`]}
                onChange={(next) => edit({ ...value, workdays: value.workdays.map((d, j) => (j === i ? { ...d, date: next } : d)) }, `workdays.${i}.date`)}
              />
              <TimeRange
                value={day}
                errors={{ start: fieldErrors[`workdays.${i}.start`], end: fieldErrors[`workdays.${i}.end`] }}
                label={t('admin.hours.workday')}
                withLabels
                onChange={(next) => edit({ ...value, workdays: value.workdays.map((d, j) => (j === i ? { ...d, ...next } : d)) }, `workdays.${i}.start`, `workdays.${i}.end`)}
              />
              <Button
                mt={24}
                variant="subtle"
                color="gray"
                onClick={() => {
                  setWorkdayKeys((keys) => keys.filter((_, j) => j !== i));
                  edit({ ...value, workdays: value.workdays.filter((_, j) => j !== i) }, 'workdays');
                }}
              >
                {t('admin.hours.remove')}
              </Button>
            </Group>
          ))}
          <Group>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setWorkdayKeys((keys) => [...keys, ...newKeys(1)]);
                edit({ ...value, workdays: [...value.workdays, { date: '', ...DEFAULT_DAY }] });
              }}
              data-testid="hours-add-workday"
            >
              {t('admin.hours.addWorkday')}
            </Button>
          </Group>

          <Checkbox
            label={t('admin.hours.offHoursAnswer')}
            checked={value.offHoursAnswer}
            onChange={(e) => edit({ ...value, offHoursAnswer: e.currentTarget.checked })}
            data-testid="hours-off-hours-answer"
          />
          <Group>
            <Button type="submit" loading={busy}>
              {t('admin.hours.save')}
            </Button>
            {/* Beside the button too: how many fields are left to fix. */}
            {hasFieldErrors && error && (
              <Text c="red" size="sm" data-testid="hours-refused">
                {error}
              </Text>
            )}
            {saved && (
              <Text c="green" size="sm" data-testid="hours-saved">
                {t('admin.hours.saved')}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** «С» and «До» as HH:MM; each shows its own refusal beside it. */
function TimeRange({
  value,
  errors,
  label,
  withLabels,
  onChange,
}: {
  value: DayHours;
  errors: { start?: string; end?: string };
  label: string;
  withLabels?: boolean;
  onChange: (value: DayHours) => void;
}) {
  const { t } = useI18n();
  return (
    <Group gap="xs" align="flex-start">
      <TextInput
        w={110}
        label={withLabels ? t('admin.hours.start') : undefined}
        aria-label={`${label}: ${t('admin.hours.start')}`}
        placeholder="09:00"
        value={value.start}
        error={errors.start}
        onChange={(e) => onChange({ ...value, start: e.currentTarget.value })}
      />
      <TextInput
        w={110}
        label={withLabels ? t('admin.hours.end') : undefined}
        aria-label={`${label}: ${t('admin.hours.end')}`}
        placeholder="18:00"
        value={value.end}
        error={errors.end}
        onChange={(e) => onChange({ ...value, end: e.currentTarget.value })}
      />
    </Group>
  );
}
