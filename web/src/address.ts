/**
 * The page address's query parameters as a page's filters keep them.
 *
 * react-router's `setSearchParams` builds the next address on the copy the
 * page last rendered with (its function form too), so two filters chosen
 * faster than the page re-renders lost the first (seen on a loaded machine:
 * a source chosen, then an order at once — the address kept only the order).
 * `changeParams` edits what the address holds at the moment of the change
 * (`window.location`, which the router updates synchronously on each
 * navigation) and navigates to it.
 */
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** Edits the address's parameters in place; `replace` for a correction that should not be a step of Back. */
export type ChangeParams = (edit: (next: URLSearchParams) => void, options?: { replace?: boolean }) => void;

/** `[params, changeParams]`: the parameters to render from, and the change that never loses one made just before. */
export function useAddressParams(): [URLSearchParams, ChangeParams] {
  const [params, setParams] = useSearchParams();
  const changeParams = useCallback<ChangeParams>(
    (edit, options) => {
      const next = new URLSearchParams(window.location.search);
      edit(next);
      setParams(next, options);
    },
    [setParams],
  );
  return [params, changeParams];
}
