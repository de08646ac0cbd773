/**
 * The page for a route. The overview comes with the first load; every other page (with its words and
 * libraries, e.g. the history page's chart library) is its own chunk fetched on first visit, so the
 * first load stays within the budget however many pages the dashboard grows (dashboard.build.ts).
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useT } from './i18n';
import { OverviewPage } from './overview-page';
import type { RouteName } from './router';
import { shellMessages } from './shell.messages';

const LAZY: Record<Exclude<RouteName, 'overview'>, () => Promise<ComponentType>> = {
  logs: () => import('./logs-page').then((m) => m.LogsPage),
  production: () => import('./production-page').then((m) => m.ProductionPage),
  webhooks: () => import('./webhooks-page').then((m) => m.WebhooksPage),
  accounts: () => import('./accounts-page').then((m) => m.AccountsPage),
  schedules: () => import('./schedules-page').then((m) => m.SchedulesPage),
  tokens: () => import('./tokens-page').then((m) => m.TokensPage),
  files: () => import('./files-page').then((m) => m.FilesPage),
  history: () => import('./history-page').then((m) => m.HistoryPage),
  catalog: () => import('./catalog-page').then((m) => m.CatalogPage),
  orders: () => import('./orders-page').then((m) => m.OrdersPage),
  conflicts: () => import('./conflicts-page').then((m) => m.ConflictsPage),
};

const loaded = new Map<RouteName, ComponentType>([['overview', OverviewPage]]);

export function CurrentPage({ route }: { route: RouteName }) {
  const t = useT(shellMessages);
  const [, setLoadedCount] = useState(loaded.size);
  const [failed, setFailed] = useState<{ route: RouteName; attempt: number } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const Page = loaded.get(route);
  useEffect(() => {
    if (Page || route === 'overview') return;
    let current = true;
    LAZY[route]().then(
      (component) => {
        loaded.set(route, component);
        if (current) setLoadedCount(loaded.size);
      },
      // A chunk that could not be fetched (a new deployment removed it, the network dropped): say so and offer to retry.
      () => current && setFailed({ route, attempt }),
    );
    return () => {
      current = false;
    };
  }, [route, Page, attempt]);
  if (Page) return <Page />;
  if (failed?.route === route && failed.attempt === attempt)
    return (
      <p class="error" role="alert">
        {t('pageFailed')}{' '}
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          {t('tryAgain')}
        </button>
      </p>
    );
  return (
    <p class="muted" role="status">
      {t('pageLoading')}
    </p>
  );
}
