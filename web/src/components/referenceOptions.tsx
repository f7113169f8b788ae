/**
 * Country and currency selects of the request form: options ranked by
 * `searchOptions` (core/search, match-sorter) as the person types — «Кит»
 * finds Китай first, «Корея» Южная Корея, «ОАЭ» the dirham — with the official
 * name shown beside the name people use.
 */
import type { ComboboxItem, ComboboxParsedItem, OptionsFilter } from '@mantine/core';
import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { searchOptions, type SearchOption } from '../../../src/core/search.js';

/** One option as `/reference/countries` and `/reference/currencies` send it. */
export type ReferenceOption = SearchOption;

/** A Mantine `filter` that ranks by every name of the option, best match first (at most `limit` of them). */
export function rankingFilter(options: readonly ReferenceOption[], limit = 50): OptionsFilter {
  const byCode = new Map(options.map((option) => [option.code, option]));
  return ({ options: items, search }) => {
    const flat = items.filter((item): item is ComboboxItem => 'value' in item);
    // Everything, in the list's order, while nothing is typed; the best `limit` matches otherwise.
    const ranked = searchOptions(flat.map((item) => byCode.get(item.value) ?? { code: item.value, name: item.label }), search, search.trim() ? limit : undefined);
    const byValue = new Map(flat.map((item) => [item.value, item]));
    return ranked.map((option) => byValue.get(option.code)).filter((item): item is ComboboxParsedItem & ComboboxItem => !!item);
  };
}

/** Renders an option with its official name beside it, when that differs. */
export function optionWithOfficialName(options: readonly ReferenceOption[]): (input: { option: ComboboxItem }) => ReactNode {
  const byCode = new Map(options.map((option) => [option.code, option]));
  return ({ option }) => {
    const official = byCode.get(option.value)?.official;
    return (
      <Group gap={6} wrap="nowrap">
        <Text size="sm">{option.label}</Text>
        {official && (
          <Text size="xs" c="dimmed" data-testid="official-name">
            {official}
          </Text>
        )}
      </Group>
    );
  };
}
