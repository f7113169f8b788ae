/**
 * Pickers over prepared lists. `SearchSelect` is Mantine's searchable Select
 * that behaves like a search box: focusing it selects the shown label, so
 * typing replaces it (it used to insert into the middle of «CNY — Юань» and
 * find nothing), picking the chosen option again keeps it, Enter takes the
 * best match, and an empty result says «Ничего не найдено».
 * `nothingFoundHint` tells an Autocomplete's reader that its suggestions
 * have nothing for what was typed (Mantine's Autocomplete just shows no list).
 */
import { useRef } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useI18n } from '../i18n.js';

export function SearchSelect({ nothingFoundMessage, onFocus, onMouseUp, ...props }: SelectProps) {
  const { t } = useI18n();
  const justFocused = useRef(false);
  // While the field shows the chosen option's label (nothing typed yet), a click selects it all, so typing replaces it.
  const shownLabel = selectedLabel(props.data, props.value);
  return (
    <Select
      searchable
      // Picking the option already chosen keeps it (Mantine's default clears it); typing puts the best match first under Enter.
      allowDeselect={false}
      selectFirstOptionOnChange
      nothingFoundMessage={nothingFoundMessage ?? t('common.nothingFound')}
      {...props}
      onFocus={(event) => {
        event.currentTarget.select();
        justFocused.current = true;
        onFocus?.(event);
      }}
      onMouseUp={(event) => {
        const input = event.currentTarget;
        if (justFocused.current || (shownLabel !== undefined && input.value === shownLabel)) {
          // The click would otherwise drop the selection and put the caret mid-label.
          event.preventDefault();
          input.select();
        }
        justFocused.current = false;
        onMouseUp?.(event);
      }}
    />
  );
}

/** The label Select shows for `value` in flat `data` (strings or `{ value, label }`). */
function selectedLabel(data: SelectProps['data'], value: string | null | undefined): string | undefined {
  if (value == null || !Array.isArray(data)) return undefined;
  for (const item of data as unknown[]) {
    if (typeof item === 'string' && item === value) return item;
    if (item && typeof item === 'object' && 'value' in item && (item as { value: string }).value === value) return (item as { label?: string }).label ?? value;
  }
  return undefined;
}

/** True when `typed` matches none of `options` the way Mantine's Autocomplete filters them (case-insensitive substring). */
export function nothingMatches(typed: string, options: readonly string[]): boolean {
  const query = typed.trim().toLowerCase();
  return query.length > 0 && !options.some((option) => option.toLowerCase().includes(query));
}
