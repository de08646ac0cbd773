/** Hash routing (#/, #/logs, …): the server only ever serves index.html and the assets. */
import { useEffect, useState } from 'preact/hooks';

export const ROUTES = [
  { path: '#/', name: 'overview', label: 'Overview' },
  { path: '#/logs', name: 'logs', label: 'Logs' },
  { path: '#/production', name: 'production', label: 'Production' },
  { path: '#/webhooks', name: 'webhooks', label: 'Webhooks' },
] as const;

export type RouteName = (typeof ROUTES)[number]['name'];

export function routeOf(hash: string): RouteName {
  const path = hash.split('?')[0] || '#/';
  return ROUTES.find((route) => route.path === path)?.name ?? 'overview';
}

export function useRoute(): RouteName {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return routeOf(hash);
}
