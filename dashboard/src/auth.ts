/**
 * Sign-in: the operator pastes an API token; it is checked with `viewer` before anything else is
 * shown and kept in sessionStorage only (gone when the tab closes, never in localStorage or a
 * cookie the server would receive unasked).
 */
import { VIEWER } from './operations';
import { persistedExtensions } from './persisted';

export type Role = 'VIEWER' | 'OPERATOR' | 'ADMIN';

export interface Viewer {
  name: string;
  role: Role;
}

export interface Session {
  token: string;
  viewer: Viewer;
}

const TOKEN_KEY = 'stockline.token';

export const storedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const storeToken = (token: string) => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

export const GRAPHQL_PATH = '/graphql';

/**
 * Why a check failed (the sign-in page says it in the user's language); `refused` when the server
 * refused the token itself (HTTP 401 / UNAUTHENTICATED), as opposed to not answering the question
 * (unreachable, 429, 5xx), which says nothing about the token. `detail`: the server's own words.
 */
export interface CheckFailure {
  reason: 'unreachable' | 'refused' | 'rateLimited' | 'server';
  refused: boolean;
  detail?: string;
}

type ViewerAnswer = { data?: { viewer?: Viewer }; errors?: { message: string; extensions?: { code?: unknown } }[] } | null;

/** Asks the API who this token is: the persisted hash first, the document too if the service does not know it (APQ). */
export async function checkToken(token: string): Promise<{ viewer: Viewer } | CheckFailure> {
  const ask = async (withDocument: boolean) => {
    const response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...(withDocument ? { query: VIEWER } : {}), extensions: persistedExtensions(VIEWER) }),
    });
    return { response, body: (await response.json().catch(() => null)) as ViewerAnswer };
  };
  let response: Response;
  let body: ViewerAnswer;
  try {
    ({ response, body } = await ask(false));
    if (body?.errors?.some((e) => e.message === 'PersistedQueryNotFound')) ({ response, body } = await ask(true));
  } catch {
    return { reason: 'unreachable', refused: false };
  }
  if (response.status === 401 || body?.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return { reason: 'refused', refused: true };
  if (response.status === 429) return { reason: 'rateLimited', refused: false };
  if (body?.data?.viewer) return { viewer: body.data.viewer };
  return { reason: 'server', refused: false, detail: body?.errors?.[0]?.message ?? String(response.status) };
}

export const canOperate = (role: Role) => role === 'OPERATOR' || role === 'ADMIN';
export const isAdmin = (role: Role) => role === 'ADMIN';
