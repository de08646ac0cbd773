/** The longest delay setTimeout keeps: a longer one fires at once (with a warning). */
const LONGEST_TIMEOUT_MS = 2_147_483_647;

/**
 * Runs `fn` at `when` (at once when it has passed), however far ahead it is: a token that expires
 * next year is waited for in steps of ~24.8 days. The timer never keeps the process alive.
 * Returns the way to cancel it.
 */
export function atTime(when: Date, fn: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const delay = when.getTime() - Date.now();
    timer = setTimeout(delay > LONGEST_TIMEOUT_MS ? arm : fn, Math.max(0, Math.min(delay, LONGEST_TIMEOUT_MS)));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
