/** Small hooks the panels share: acting on a counter that moves, at once or coalesced. */
import { useEffect, useRef } from 'preact/hooks';

/** Calls `effect` each time `signal` changes after the first render (never on mount). */
export function useOnChange(signal: number, effect: () => void) {
  const latest = useRef(effect);
  latest.current = effect;
  const seen = useRef(signal);
  useEffect(() => {
    if (signal === seen.current) return;
    seen.current = signal;
    latest.current();
  }, [signal]);
}

/**
 * Calls `effect` once, `delayMs` after `signal` first changed, however often it changes in that
 * time: a burst of events (runs finishing together, a batch aggregated unit by unit) costs one
 * refetch. Unlike a debounce it is not pushed back by every new change, so a steady stream of
 * events still refreshes the view every `delayMs`.
 */
export function useCoalesced(signal: number, delayMs: number, effect: () => void) {
  const latest = useRef(effect);
  latest.current = effect;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useOnChange(signal, () => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, delayMs);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
}
