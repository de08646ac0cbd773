/**
 * What the catalog, orders, conflicts and logs lists share: their filter state with the page cursors
 * (a new filter starts again at the first page), the filter form with its search box, the channel
 * and account choices, and the pager.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { loadAccounts, useChannels } from './catalog-hooks';
import { useLoad } from './paging';

/** A filter (fields left empty are dropped) and the cursors of the pages read so far. */
export function useListFilter<F extends object>() {
  const [filter, setFilter] = useState<F>({} as F);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const apply = (change: Partial<F>) => {
    setCursors([null]);
    setFilter((current) => Object.fromEntries(Object.entries({ ...current, ...change }).filter(([, v]) => v !== undefined && v !== '')) as F);
  };
  const reset = () => {
    setCursors([null]);
    setFilter({} as F);
  };
  return { filter, apply, reset, cursors, setCursors, after: cursors[cursors.length - 1] ?? null };
}

/** A list's filter form: its fields, then Apply (which submits the typed text) and Clear. */
export function FilterForm(props: { label: string; apply: string; clear: string; onApply(): void; onClear(): void; children: ComponentChildren }) {
  return (
    <form
      class="filters"
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply();
      }}
    >
      {props.children}
      <button type="submit">{props.apply}</button>
      <button type="button" class="secondary" onClick={props.onClear}>
        {props.clear}
      </button>
    </form>
  );
}

/** A labelled text box of a filter form (applied with the form). */
export function TextField({ label, type = 'search', value, placeholder, onInput }: { label: string; type?: 'search' | 'text'; value: string; placeholder?: string; onInput(value: string): void }) {
  return (
    <label>
      {label}
      <input type={type as 'search'} placeholder={placeholder} value={value} onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)} />
    </label>
  );
}

function Choice({ label, allLabel, value, onChange, children }: { label: string; allLabel: string; value: string | undefined; onChange(value: string | undefined): void; children: ComponentChildren }) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value || undefined)}>
        <option value="">{allLabel}</option>
        {children}
      </select>
    </label>
  );
}

/** Every channel the service knows (served by the API). */
export function ChannelSelect(props: { label: string; allLabel: string; value: string | undefined; onChange(value: string | undefined): void }) {
  const channels = useChannels();
  return (
    <Choice {...props}>
      {channels.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </Choice>
  );
}

/** Every marketplace account, read page after page. */
export function AccountSelect(props: { label: string; allLabel: string; value: string | undefined; onChange(value: string | undefined): void }) {
  const [accounts] = useLoad(loadAccounts);
  return (
    <Choice {...props}>
      {accounts.data?.map((a) => (
        <option key={a.id} value={a.id}>
          {a.name} ({a.channel})
        </option>
      ))}
    </Choice>
  );
}

/** "N items · Previous page · Next page" under a list read with cursors. */
export function Pager(props: { label: string; count: string; cursors: (string | null)[]; setCursors(update: (c: (string | null)[]) => (string | null)[]): void; pageInfo: { hasNextPage: boolean; endCursor: string | null }; previous: string; next: string }) {
  return (
    <nav class="pager" aria-label={props.label}>
      <span class="muted">{props.count}</span>
      <button type="button" class="secondary" disabled={props.cursors.length === 1} onClick={() => props.setCursors((c) => c.slice(0, -1))}>
        {props.previous}
      </button>
      <button type="button" class="secondary" disabled={!props.pageInfo.hasNextPage} onClick={() => props.setCursors((c) => [...c, props.pageInfo.endCursor])}>
        {props.next}
      </button>
    </nav>
  );
}
