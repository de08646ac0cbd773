/** Small shared pieces: progress bar, status badge, error boxes, sections, tables and their status lines. */
import type { ComponentChildren } from 'preact';
import type { CombinedError } from '@urql/core';
import { useId } from 'preact/hooks';
import { componentMessages, statusMessages } from './components.messages';
import { useT } from './i18n';

export function Section({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  // Not derived from the title: a Russian title has no [a-z0-9] to make a unique id of.
  const id = `section-${useId()}`;
  return (
    <section class="panel" aria-labelledby={id}>
      <header class="panel-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function ProgressBar({ percent, label, status }: { percent: number; label: string; status?: string }) {
  const value = Math.max(0, Math.min(100, Math.floor(percent)));
  return (
    <div class="progress-wrap">
      <div class={`progress ${status ? `progress-${status.toLowerCase()}` : ''}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
        <div class="progress-fill" style={{ width: `${value}%` }} />
      </div>
      <span class="progress-text">
        {value} %{status ? ` · ${status}` : ''}
      </span>
    </div>
  );
}

/** `word(code)`: a status, alert kind or severity in the chosen language's words where it has them, else the code. */
export function useStatusWord(): (code: string) => string {
  const t = useT(statusMessages);
  return (code) => (code in statusMessages.en ? t(code as keyof (typeof statusMessages)['en']) : code);
}

/** A status code in a coloured badge, in the chosen language's words. */
export function StatusBadge({ status }: { status: string }) {
  const word = useStatusWord();
  return (
    <span class={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {word(status)}
    </span>
  );
}

/** A urql error as one readable line (GraphQL errors with their codes, or the network failure). */
export function describeError(error: CombinedError): string {
  if (error.graphQLErrors.length) return error.graphQLErrors.map((e) => (e.extensions?.code ? `${String(e.extensions.code)}: ${e.message}` : e.message)).join('; ');
  return error.networkError?.message || error.message;
}

export function ErrorMessage({ error }: { error?: CombinedError | string | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {typeof error === 'string' ? error : describeError(error)}
    </p>
  );
}

export interface PayloadError {
  code: string;
  message: string;
  field?: string[] | null;
}

/** Errors a mutation's payload refused with (nothing was changed). */
export function PayloadErrors({ errors }: { errors?: PayloadError[] | null }) {
  if (!errors?.length) return null;
  return (
    <ul class="error" role="alert">
      {errors.map((e, i) => (
        <li key={i}>
          <strong>{e.code}</strong>: {e.message}
          {e.field?.length ? ` (${e.field.join('.')})` : ''}
        </li>
      ))}
    </ul>
  );
}

/** "Loading …" with `what` in the chosen language (the caller's words). */
export function Loading({ what }: { what: string }) {
  const t = useT(componentMessages);
  return (
    <p class="muted" aria-live="polite">
      {t('loading', { what })}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted">{children}</p>;
}

/** What stands for a list while it first loads, or (with `empty`) once it came back with nothing. */
export function ListStatus({ result, what, empty, children }: { result: { data?: unknown; fetching: boolean }; what: string; empty?: boolean; children?: ComponentChildren }) {
  if (!result.data && result.fetching) return <Loading what={what} />;
  if (result.data && empty) return <Empty>{children}</Empty>;
  return null;
}

/** A column heading; `false` leaves the column out (as Actions is for a read-only viewer). */
export type Column = string | false;

/**
 * A table under one row of column headings, in its horizontally scrolling wrapper. `children` are
 * the rows, put in one <tbody>; with `bodies` they are row groups already (a list read page by
 * page). `after` stands under the table inside the wrapper; `bare` leaves the wrapper out (a
 * small table inside a list item).
 */
export function DataTable(props: { columns: Column[]; class?: string; label?: string; bodies?: boolean; bare?: boolean; after?: ComponentChildren; children: ComponentChildren }) {
  const t = useT(componentMessages);
  const table = (
    <table class={props.class} aria-label={props.label}>
      <thead>
        <tr>
          {props.columns.map((column) =>
            column === false ? null : (
              <th key={column} scope="col">
                {column}
              </th>
            ),
          )}
        </tr>
      </thead>
      {props.bodies ? props.children : <tbody>{props.children}</tbody>}
    </table>
  );
  if (props.bare) return table;
  // Focusable, so that a keyboard can scroll a table wider than a phone's screen.
  return (
    <div class="table-wrap" tabIndex={0} role="group" aria-label={props.label ?? t('scrollTable')}>
      {table}
      {props.after}
    </div>
  );
}
