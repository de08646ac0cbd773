/** The part of the address after `?` in the hash (#/catalog?product=<id>): a page's own state, kept in links and reloads. */
import { useEffect, useState } from 'preact/hooks';

function hashParam(name: string): string | null {
  const query = window.location.hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get(name);
}

/** The hash parameter `name`, re-read when the address changes. */
export function useHashParam(name: string): string | null {
  const [value, setValue] = useState(() => hashParam(name));
  useEffect(() => {
    const update = () => setValue(hashParam(name));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, [name]);
  return value;
}
