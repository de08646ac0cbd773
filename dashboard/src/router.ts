/** Hash routing (#/, #/logs, …): the server only ever serves index.html and the assets. */
import { useEffect, useState } from 'preact/hooks';
import type { Role } from './auth';

/** Every page, with the least role that sees it (the API enforces the same roles; this only hides). */
export const ROUTES = [
  { path: '#/', name: 'overview', label: 'Overview', role: 'VIEWER' },
  { path: '#/logs', name: 'logs', label: 'Logs', role: 'VIEWER' },
  { path: '#/production', name: 'production', label: 'Production', role: 'VIEWER' },
  { path: '#/catalog', name: 'catalog', label: 'Catalog', role: 'VIEWER' },
  { path: '#/orders', name: 'orders', label: 'Orders', role: 'VIEWER' },
  { path: '#/conflicts', name: 'conflicts', label: 'Conflicts', role: 'VIEWER' },
  { path: '#/webhooks', name: 'webhooks', label: 'Webhooks', role: 'ADMIN' },
  { path: '#/accounts', name: 'accounts', label: 'Accounts', role: 'VIEWER' },
  { path: '#/schedules', name: 'schedules', label: 'Schedules', role: 'VIEWER' },
  { path: '#/tokens', name: 'tokens', label: 'API tokens', role: 'ADMIN' },
  { path: '#/files', name: 'files', label: 'Files', role: 'OPERATOR' },
  { path: '#/history', name: 'history', label: 'History', role: 'VIEWER' },
] as const satisfies readonly { path: string; name: string; label: string; role: Role }[];

export type RouteName = (typeof ROUTES)[number]['name'];

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };
/** The pages this role may open. */
export const routesFor = (role: Role) => ROUTES.filter((route) => RANK[role] >= RANK[route.role]);

export function routeOf(hash: string, role: Role = 'ADMIN'): RouteName {
  const path = hash.split('?')[0] || '#/';
  return routesFor(role).find((route) => route.path === path)?.name ?? 'overview';
}

export function useRoute(role: Role): RouteName {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return routeOf(hash, role);
}
