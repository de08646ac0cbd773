/**
 * Sign-in: the operator pastes an API token; it is checked with `viewer` before anything else is
 * shown and kept in sessionStorage only (gone when the tab closes, never in localStorage or a
 * cookie the server would receive unasked).
 */
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

/** Asks the API who this token is; a refusal comes back as a sentence for the sign-in form. */
export async function checkToken(token: string): Promise<{ viewer: Viewer } | { error: string }> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { name role } }' }),
    });
  } catch {
    return { error: 'Cannot reach the Stockline server. Is it running?' };
  }
  if (response.status === 401) return { error: 'This token was not accepted: it is unknown, revoked or expired.' };
  if (response.status === 429) return { error: 'Too many requests with this token; try again in a minute.' };
  const body = (await response.json().catch(() => null)) as { data?: { viewer?: Viewer }; errors?: { message: string }[] } | null;
  if (body?.data?.viewer) return { viewer: body.data.viewer };
  return { error: body?.errors?.[0]?.message ?? `The server answered ${response.status}.` };
}

export const canOperate = (role: Role) => role === 'OPERATOR' || role === 'ADMIN';
export const isAdmin = (role: Role) => role === 'ADMIN';
